/**
 * The chaos suite's world (issue 18.8): a PostgreSQL, an API process, a CDC worker process (with
 * the replication source), a writer of plain-SQL changes at ~20/s and SSE readers that resume by
 * Last-Event-ID; faults are real (SIGKILL, a cut TCP path, a Postgres stop), and each case ends
 * with a verdict per reader: committed, delivered, lost, duplicated, out of order, recovery time.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { type Server, type Socket, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Kysely, sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../../db/connection.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../db/embedded.js'
import type { DB } from '../../db/schema.js'
import { applySyncSource } from '../../db/sync-source.js'
import { freePort, prepareDatabase } from '../harness/cluster.js'
import { testRoles } from '../harness/settings.js'
import { type ServerProcess, startServer } from '../ops/server-process.js'
import { openStream } from '../sse-client.js'

export type Source = 'replication' | 'notify'
const cdcSecret = 'chaos-cdc-secret-0123456789'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface DatabaseUrls {
  name: string
  admin: string
  runtime: string
  cdc: string
}

/** A PostgreSQL of the case's own (never the shared one): it is stopped fast or immediately. */
export class OwnCluster {
  private constructor(private embedded: EmbeddedDatabase, private readonly options: { dir: string; port: number; superuserPassword: string }, private readonly root: string) {}

  static async start(): Promise<OwnCluster> {
    const root = await mkdtemp(path.join(tmpdir(), 'strata-chaos-'))
    await chmod(root, 0o755)
    const options = { dir: path.join(root, 'data'), port: await freePort(), superuserPassword: 'chaos' }
    const embedded = await startEmbeddedPostgres(options)
    await prepareDatabase(embedded, options.superuserPassword, 'strata')
    return new OwnCluster(embedded, options, root)
  }

  get urls(): DatabaseUrls {
    const url = this.embedded.urlFor
    return {
      name: 'strata',
      admin: url('postgres', this.options.superuserPassword, 'strata'),
      runtime: url(testRoles.runtime.user, testRoles.runtime.password, 'strata'),
      cdc: url(testRoles.cdc.user, testRoles.cdc.password, 'strata'),
    }
  }

  /** `pg_ctl stop -m fast` (SIGINT) or `-m immediate` (SIGQUIT) to the postmaster; resolves once it is gone. */
  async crash(mode: 'fast' | 'immediate'): Promise<void> {
    const pid = Number((await readFile(path.join(this.options.dir, 'postmaster.pid'), 'utf8')).split('\n')[0])
    process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT')
    for (const deadline = Date.now() + 60_000; alive(pid); await sleep(50)) {
      if (Date.now() > deadline) throw new Error(`postgres did not finish its ${mode} stop in 60 s`)
    }
  }

  async restart(): Promise<void> {
    this.embedded = await startEmbeddedPostgres(this.options)
  }

  async stop(): Promise<void> {
    await this.embedded.stop()
    await rm(this.root, { recursive: true, force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A TCP path the worker's WebSocket takes to the API, which a case can cut. */
class CuttablePath {
  private readonly sockets = new Set<Socket>()
  private refusing = false
  private constructor(private readonly server: Server, readonly port: number) {}

  static async open(targetPort: () => number): Promise<CuttablePath> {
    const port = await freePort()
    const server = createServer()
    const path = new CuttablePath(server, port)
    server.on('connection', (client) => path.accept(client, targetPort()))
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    return path
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.refusing) return void client.destroy()
    const upstream = connect(targetPort, '127.0.0.1')
    for (const socket of [client, upstream]) {
      this.sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => { this.sockets.delete(socket); client.destroy(); upstream.destroy() })
    }
    client.pipe(upstream).pipe(client)
  }

  /** Cuts every connection and refuses new ones for `ms`. */
  async cut(ms: number): Promise<void> {
    this.refusing = true
    for (const socket of this.sockets) socket.destroy()
    await sleep(ms)
    this.refusing = false
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

/** A reader of the change stream that, like a browser's EventSource, resumes by Last-Event-ID. */
class ResumingReader {
  readonly delivered: Array<{ cursor: string; entityId: string; at: number }> = []
  reconnects = 0
  private stopped = false
  private close: (() => void) | undefined
  private readonly running: Promise<void>

  constructor(private readonly url: () => string, private readonly cookie: string) {
    this.running = this.run()
  }

  private async run(): Promise<void> {
    for (let first = true; !this.stopped; first = false) {
      if (!first) {
        this.reconnects++
        await sleep(250)
      }
      const last = this.delivered.at(-1)?.cursor
      try {
        const client = await openStream(this.url(), { cookie: this.cookie, ...(last ? { 'last-event-id': last } : { 'last-event-id': 'now' }) })
        this.close = client.close
        if (client.status !== 200) {
          client.close()
          continue
        }
        let seen = 0
        let done = false
        void client.ended.then(() => { done = true })
        while (!done && !this.stopped) {
          seen = this.take(client.events, seen)
          await sleep(20)
        }
        this.take(client.events, seen)
        client.close()
      } catch {
        // refused or reset: retry
      }
    }
  }

  private take(events: Array<{ event: string; data: string }>, from: number): number {
    for (const event of events.slice(from)) {
      if (event.event !== 'change') continue
      const change = JSON.parse(event.data) as { cursor: string; entityId: string }
      this.delivered.push({ cursor: change.cursor, entityId: change.entityId, at: Date.now() })
    }
    return events.length
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.close?.()
    await this.running
  }
}

/** Inserts a page with plain SQL every 50 ms (~20 changes/s), through whatever the faults do. */
class Writer {
  attempted = 0
  failed = 0
  /** When each committed change was written (its insert began). */
  readonly writtenAt = new Map<string, number>()
  private stopped = false
  private readonly running: Promise<void>

  constructor(private readonly db: Kysely<DB>, private readonly organizationId: string, readonly prefix: string) {
    this.running = this.run()
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = Date.now()
      this.attempted++
      await this.write(`${this.prefix} ${this.attempted}`).catch(() => { this.failed++ })
      await sleep(Math.max(0, 50 - (Date.now() - started)))
    }
  }

  write(title: string): Promise<string> {
    const id = uuid()
    const at = Date.now()
    return sql`insert into pages (id, tenant_id, organization_id, title) values (${id}, 'main', ${this.organizationId}, ${title})`
      .execute(this.db).then(() => { this.writtenAt.set(id, at); return id })
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }
}

export interface ReaderVerdict {
  committed: number
  delivered: number
  lost: number
  duplicated: number
  outOfOrder: number
  recoveryMs: number
  reconnects: number
}

export interface CaseResult {
  name: string
  source: Source
  writesFailed: number
  readers: ReaderVerdict[]
}

/** API (and worker) processes on a database, the writer and the readers of one case. */
export class ChaosWorld {
  private api: ServerProcess | undefined
  private worker: ChildProcess | undefined
  private path: CuttablePath | undefined
  private readonly apiPort: number
  private readonly db: Kysely<DB>
  private organizationId = ''
  private cookies: string[] = []

  private constructor(readonly source: Source, readonly urls: DatabaseUrls, apiPort: number) {
    this.apiPort = apiPort
    // A connection lost in a Postgres stop is replaced by the pool on the next query.
    this.db = createKysely(createPool({ url: urls.admin, max: 2, connectionTimeoutMs: 2_000 }))
  }

  static async start(source: Source, urls: DatabaseUrls, readers = 2): Promise<ChaosWorld> {
    await applySyncSource(urls.admin, source)
    const world = new ChaosWorld(source, urls, await freePort())
    await world.startApi()
    if (source === 'replication') {
      world.path = await CuttablePath.open(() => world.apiPort)
      await world.startWorker()
    }
    await world.arrange(readers)
    return world
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`
  }

  async startApi(): Promise<void> {
    this.api = await startServer({
      NODE_ENV: 'test', DEV_MODE: 'full', SYNC_SOURCE: this.source, PORT: String(this.apiPort),
      DATABASE_URL: this.urls.runtime, DATABASE_ADMIN_URL: '', CDC_DATABASE_URL: '',
      COOKIE_SECRET: 'chaos-cookie-secret-0123456789', CDC_SECRET: cdcSecret,
    })
  }

  killApi(): void {
    this.api?.child.kill('SIGKILL')
  }

  async startWorker(): Promise<void> {
    this.worker = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.resolve('../../cdc.ts'))], {
      env: {
        ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', SYNC_SOURCE: 'replication',
        CDC_DATABASE_URL: this.urls.cdc, CDC_SECRET: cdcSecret, CDC_INGEST_URL: `ws://127.0.0.1:${this.path!.port}/internal/cdc`,
      },
      stdio: 'ignore',
    })
    await this.until(async () => (await this.ready())?.info?.cdc?.workersConnectedHere === 1, 30_000, 'the worker to connect')
  }

  killWorker(): void {
    this.worker?.kill('SIGKILL')
  }

  cutWebSocket(ms: number): Promise<void> {
    return this.path!.cut(ms)
  }

  private async ready(): Promise<{ status: string; info?: { cdc?: { workersConnectedHere?: number } } } | undefined> {
    try {
      const res = await fetch(`${this.baseUrl}/ready`)
      return await res.json() as { status: string }
    } catch {
      return undefined
    }
  }

  async until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    }
  }

  /** An organization in the single tenant, and one signed-up system admin per reader (they read every change). */
  private async arrange(readers: number): Promise<void> {
    this.organizationId = uuid()
    await this.db.insertInto('organizations').values({ id: this.organizationId, tenant_id: 'main', name: 'Chaos', slug: `chaos-${this.organizationId.slice(-8)}` }).execute()
    for (let i = 0; i < readers; i++) {
      const res = await fetch(`${this.baseUrl}/auth/sign-up`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `reader-${i}-${uuid()}@example.com`, password: 'password-123' }),
      })
      if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${await res.text()}`)
      const { user } = await res.json() as { user: { id: string } }
      await this.db.insertInto('system_roles').values({ user_id: user.id, role: 'admin' }).execute()
      this.cookies.push(/strata-session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0])
    }
  }

  /**
   * One case: readers and the writer run; after `calmMs`, `fault` runs (it returns once the
   * system is healed); the writer goes on for `calmMs`, then a marker is written and every
   * reader must deliver it. Recovery time: from the fault's start until the reader delivers the
   * first change written after it (0-ish when delivery never stopped).
   */
  async runCase(name: string, fault: () => Promise<void>, calmMs = 3_000): Promise<CaseResult> {
    const prefix = `${name} ${uuid()}`
    const readers = this.cookies.map((cookie) => new ResumingReader(() => `${this.baseUrl}/entities/app/stream`, cookie))
    await sleep(1_000)
    const writer = new Writer(this.db, this.organizationId, prefix)
    await sleep(calmMs)
    const faultAt = Date.now()
    await fault()
    await sleep(calmMs)
    await writer.stop()
    let marker: string | undefined
    await this.until(async () => { marker ??= await writer.write(`${prefix} marker`).catch(() => undefined); return marker !== undefined }, 60_000, 'the marker write')
    await this.until(() => readers.every((r) => r.delivered.some((d) => d.entityId === marker)), 60_000, 'every reader to deliver the marker')
      .catch((error: Error) => {
        const api = this.api!
        throw new Error(`${error.message}; the API ${api.child.exitCode === null && api.child.signalCode === null ? 'runs' : `exited (${api.child.exitCode ?? api.child.signalCode})`}, its output ends:\n${api.output().slice(-3_000)}`)
      })
    for (const reader of readers) await reader.stop()

    // The truth: every page of this case the database holds, in the change log's order.
    const { rows: committed } = await sql<{ cursor: string; entityId: string }>`
      select a.id as cursor, a.entity_id as "entityId" from activities a join pages p on p.id::text = a.entity_id
      where p.title like ${`${prefix}%`} order by a.id`.execute(this.db)
    const ours = new Set(committed.map((c) => c.entityId))
    return {
      name, source: this.source, writesFailed: writer.failed,
      readers: readers.map((reader) => {
        const mine = reader.delivered.filter((d) => ours.has(d.entityId))
        const distinct = new Set(mine.map((d) => d.entityId))
        let outOfOrder = 0
        for (let i = 1; i < mine.length; i++) if (mine[i]!.cursor <= mine[i - 1]!.cursor) outOfOrder++
        const resumed = mine.find((d) => (writer.writtenAt.get(d.entityId) ?? 0) >= faultAt)!
        return {
          committed: committed.length, delivered: mine.length, lost: committed.length - distinct.size,
          duplicated: mine.length - distinct.size, outOfOrder, recoveryMs: resumed.at - faultAt, reconnects: reader.reconnects,
        }
      }),
    }
  }

  async stop(): Promise<void> {
    this.killWorker()
    if (this.api) {
      this.api.child.kill('SIGTERM')
      await Promise.race([once(this.api.child, 'exit'), sleep(12_000)])
      this.api.child.kill('SIGKILL')
    }
    await this.path?.close()
    await this.db.destroy()
  }
}

/** The fault table of the issue: one line per case and reader. */
export function faultTable(results: CaseResult[]): string {
  const lines = ['| source | fault | reader | committed | delivered | lost | duplicated | out of order | recovery | reconnects | failed writes |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |']
  for (const result of results) {
    for (const [i, r] of result.readers.entries()) {
      lines.push(`| ${result.source} | ${result.name} | ${i + 1} | ${r.committed} | ${r.delivered} | ${r.lost} | ${r.duplicated} | ${r.outOfOrder} | ${(r.recoveryMs / 1000).toFixed(1)} s | ${r.reconnects} | ${result.writesFailed} |`)
    }
  }
  return lines.join('\n')
}
