import { EventEmitter } from 'node:events'
import { type Kysely, sql } from 'kysely'
import { LogicalReplicationService, type Pgoutput, PgoutputPlugin } from 'pg-logical-replication'
import pg from 'pg'
import { createKysely, createPool } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import type { Activity } from './activity.js'
import { backoffDelay, sleep } from './backoff.js'
import { type Change, EntityTables, toChange } from './changes.js'
import { IngestClient } from './ingest-client.js'
import { type CommittedTransaction, persistCommitted } from './persist.js'

export interface WorkerLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface CdcWorkerOptions {
  /** CDC role connection (REPLICATION, BYPASSRLS). */
  databaseUrl: string
  slot: string
  publication: string
  /** Where committed batches are pushed; omit to only write activities. */
  ingest?: { url: string; secret: string }
  log: WorkerLog
  /**
   * Test hooks: a hook that throws makes the worker fail at that point exactly like a crash
   * (nothing after it runs, nothing is acknowledged), and restart.
   */
  faults?: {
    afterReceive?(tx: CommittedTransaction): void | Promise<void>
    afterCommit?(tx: CommittedTransaction): void | Promise<void>
  }
}

export interface CdcWorkerEvents {
  batch: [activities: Activity[]]
  crash: [error: unknown]
}

/**
 * The CDC worker (SPEC §8): reads the `pgoutput` stream of the slot, buffers each transaction,
 * writes its activities when it commits, and only then acknowledges its LSN to Postgres (when
 * idle, the server's end of WAL: what lies between is unpublished). A
 * failure anywhere restarts the stream from the slot's confirmed position; the deterministic
 * activity ids make the replay insert nothing twice.
 */
export class CdcWorker extends EventEmitter<CdcWorkerEvents> {
  private readonly db: Kysely<DB>
  private readonly ingest: IngestClient | undefined
  private readonly tables: EntityTables
  private service: LogicalReplicationService | undefined
  private readonly abort = new AbortController()
  private running: Promise<void> | undefined
  /** Cursor of the last activity this worker committed. */
  private lastCursor = ''
  /** The last LSN acknowledged to Postgres (everything before it is persisted or unpublished). */
  private confirmedLsn: string | undefined
  streaming = false
  restarts = 0
  changesWritten = 0

  constructor(private readonly options: CdcWorkerOptions) {
    super()
    this.db = createKysely(createPool({ url: options.databaseUrl, max: 2, applicationName: 'strata-cdc' }, options.log))
    this.ingest = options.ingest ? new IngestClient({ ...options.ingest, log: options.log }) : undefined
    this.tables = new EntityTables(async () => (await sql<{ table: string; type: string }>`
      select table_name as table, entity_type as type from app.entity_types`.execute(this.db)).rows, options.log)
  }

  async start(): Promise<void> {
    await this.ensureSlot()
    await this.tables.refresh()
    const latest = await this.db.selectFrom('activities').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
    this.lastCursor = latest?.id ?? ''
    this.ingest?.start()
    this.running = this.supervise()
  }

  get ingestConnected(): boolean {
    return this.ingest?.connected ?? false
  }

  private async ensureSlot(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl })
    await client.connect()
    try {
      await client.query(`select pg_create_logical_replication_slot($1, 'pgoutput')
        where not exists (select 1 from pg_replication_slots where slot_name = $1)`, [this.options.slot])
      const { rows: [slot] } = await client.query<{ lsn: string | null }>(
        'select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = $1', [this.options.slot])
      this.confirmedLsn = slot?.lsn ?? undefined
    } finally {
      await client.end()
    }
  }

  /** Runs the stream; after a failure, waits (backoff with jitter) and starts again. */
  private async supervise(): Promise<void> {
    let attempt = 0
    while (!this.abort.signal.aborted) {
      const error = await this.streamOnce()
      if (this.abort.signal.aborted) return
      this.restarts++
      this.emit('crash', error)
      this.options.log.warn({ err: error, attempt }, 'cdc stream stopped; restarting')
      await sleep(backoffDelay(attempt++, 100, 5_000), this.abort.signal)
      if (this.streaming) attempt = 0
    }
  }

  /** One replication session; resolves with the reason it ended. */
  private streamOnce(): Promise<unknown> {
    // A fresh service each time: it must restart from the slot's confirmed LSN, never from
    // the last LSN it happened to receive.
    const service = new LogicalReplicationService(
      { connectionString: this.options.databaseUrl, application_name: 'strata-cdc-stream' },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    )
    this.service = service
    /** The transaction received but not yet persisted and confirmed (from `begin` until then). */
    let unpersisted: { commitLsn: string; commitTime: Date; changes: Change[] } | undefined
    let failed: unknown

    return new Promise((resolve) => {
      const finish = (reason: unknown) => {
        this.streaming = false
        service.removeAllListeners()
        void service.stop().catch(() => {})
        resolve(reason)
      }
      service.on('start', () => { this.streaming = true })
      service.on('error', (err) => { failed ??= err; finish(err) })
      service.on('heartbeat', (walEnd: string, _time: number, shouldRespond: boolean) => {
        // Never confirm what was merely received. But with nothing unpersisted, everything the
        // server sent before this keepalive is persisted (flow control hands us messages one by
        // one, each transaction opens with `begin`, so none can be waiting in the queue), and the
        // rest of the WAL up to its end is unpublished: confirm that end, as Postgres's own
        // subscriber does. Otherwise a fast shutdown waits forever for this confirmation, and the
        // WAL of unpublished tables (sessions, rate limits) piles up behind the slot.
        const caughtUp = unpersisted === undefined && lsnValue(walEnd) > lsnValue(this.confirmedLsn)
        if (caughtUp) this.confirmedLsn = walEnd
        if ((caughtUp || shouldRespond) && this.confirmedLsn) void confirm(service, this.confirmedLsn).catch(() => {})
      })
      service.on('data', async (_lsn: string, message: Pgoutput.Message) => {
        if (failed !== undefined) return
        try {
          if (message.tag === 'begin') {
            unpersisted = { commitLsn: message.commitLsn ?? _lsn, commitTime: new Date(Number(BigInt(message.commitTime.toString()) / 1000n)), changes: [] }
          } else if (message.tag === 'commit') {
            const tx = { ...unpersisted!, commitLsn: message.commitLsn ?? unpersisted!.commitLsn }
            await this.commit(service, tx, message.commitEndLsn ?? tx.commitLsn)
            unpersisted = undefined
          } else if (message.tag === 'relation') {
            await this.tables.relation(message)
          } else {
            const change = toChange(message, this.tables)
            if (change) unpersisted?.changes.push(change)
          }
        } catch (error) {
          failed = error
          finish(error)
        }
      })
      const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [this.options.publication] })
      service.subscribe(plugin, this.options.slot, '0/00000000').then(
        () => finish(new Error('replication stream ended')),
        (error: unknown) => finish(error),
      )
    })
  }

  private async commit(service: LogicalReplicationService, tx: CommittedTransaction, endLsn: string): Promise<void> {
    await this.options.faults?.afterReceive?.(tx)
    const activities = await persistCommitted(this.db, tx)
    await this.options.faults?.afterCommit?.(tx)
    await confirm(service, endLsn)
    this.confirmedLsn = endLsn
    if (activities.length === 0) return
    const previous = this.lastCursor
    this.lastCursor = activities.at(-1)!.cursor
    this.changesWritten += activities.length
    this.ingest?.send(previous, activities)
    this.emit('batch', activities)
  }

  async stop(): Promise<void> {
    this.abort.abort()
    await this.service?.stop().catch(() => {})
    await this.running?.catch(() => {})
    await this.ingest?.stop()
    await this.db.destroy()
  }
}

/** An LSN (`16/B374D848`) as a number, for comparisons; none is 0. */
const lsnValue = (lsn: string | undefined): bigint => {
  if (!lsn) return 0n
  const [high = '0', low = '0'] = lsn.split('/')
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`)
}

/**
 * Tells the server that everything before `lsn` is flushed. The library reports the byte after
 * the position it is given, so it gets the one before: the server then sees `lsn` exactly. More
 * would be wrong twice: a fast shutdown waits until the confirmation equals what was sent, and a
 * restart skips a transaction whose commit record starts right at the previous commit's end.
 */
function confirm(service: LogicalReplicationService, lsn: string): Promise<boolean> {
  const before = lsnValue(lsn) - 1n
  return service.acknowledge(`${(before >> 32n).toString(16).toUpperCase()}/${(before & 0xffffffffn).toString(16).toUpperCase()}`)
}
