import { EventEmitter } from 'node:events'
import type { Kysely } from 'kysely'
import { LogicalReplicationService, type Pgoutput, PgoutputPlugin } from 'pg-logical-replication'
import pg from 'pg'
import { createKysely, createPool } from '../db/connection.js'
import type { DB } from '../db/schema.js'
import type { ActivityMessage } from './activity.js'
import { backoffDelay, sleep } from './backoff.js'
import { type Change, toChange } from './changes.js'
import { IngestClient } from './ingest-client.js'
import { type CommittedTransaction, persistTransaction } from './persist.js'

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
  batch: [activities: ActivityMessage[]]
  crash: [error: unknown]
}

/**
 * The CDC worker (SPEC §8): reads the `pgoutput` stream of the slot, buffers each transaction,
 * writes its activities when it commits, and only then acknowledges its LSN to Postgres. A
 * failure anywhere restarts the stream from the slot's confirmed position; the deterministic
 * activity ids make the replay insert nothing twice.
 */
export class CdcWorker extends EventEmitter<CdcWorkerEvents> {
  private readonly db: Kysely<DB>
  private readonly ingest: IngestClient | undefined
  private service: LogicalReplicationService | undefined
  private readonly abort = new AbortController()
  private running: Promise<void> | undefined
  /** Cursor of the last activity this worker committed. */
  private lastCursor = ''
  /** The last LSN acknowledged to Postgres (everything before it is persisted). */
  private confirmedLsn: string | undefined
  streaming = false
  restarts = 0
  changesWritten = 0

  constructor(private readonly options: CdcWorkerOptions) {
    super()
    this.db = createKysely(createPool({ url: options.databaseUrl, max: 2, applicationName: 'strata-cdc' }, options.log))
    this.ingest = options.ingest ? new IngestClient({ ...options.ingest, log: options.log }) : undefined
  }

  async start(): Promise<void> {
    await this.ensureSlot()
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
    let current: { commitLsn: string; commitTime: Date; changes: Change[] } | undefined
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
      service.on('heartbeat', (_lsn: string, _time: number, shouldRespond: boolean) => {
        // Answer keepalives with what is persisted, never with what was merely received.
        if (shouldRespond && this.confirmedLsn) void service.acknowledge(this.confirmedLsn).catch(() => {})
      })
      service.on('data', async (_lsn: string, message: Pgoutput.Message) => {
        if (failed !== undefined) return
        try {
          if (message.tag === 'begin') {
            current = { commitLsn: message.commitLsn ?? _lsn, commitTime: new Date(Number(BigInt(message.commitTime.toString()) / 1000n)), changes: [] }
          } else if (message.tag === 'commit') {
            const tx = { ...current!, commitLsn: message.commitLsn ?? current!.commitLsn }
            current = undefined
            await this.commit(service, tx, message.commitEndLsn ?? tx.commitLsn)
          } else {
            const change = toChange(message)
            if (change) current?.changes.push(change)
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
    const activities = await persistTransaction(this.db, tx)
    await this.options.faults?.afterCommit?.(tx)
    await service.acknowledge(endLsn)
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
