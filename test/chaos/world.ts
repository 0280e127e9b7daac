/**
 * The chaos suite's world (issue 18.8): a PostgreSQL, one or more API processes, a CDC worker
 * process (with the replication source, pushing to the first API), a writer of plain-SQL changes
 * at ~20/s and SSE readers that resume by Last-Event-ID; faults are real (SIGKILL, SIGTERM, a cut
 * TCP path, a Postgres stop), and each case ends with a verdict per reader: committed, delivered,
 * lost, duplicated, out of order, create events whose data is not their entity, recovery time.
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
import { type ConnectionEnd, ResumingReader } from './reader.js'
import { type Sample, processUsage } from './resources.js'

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
  /** The API instance the reader reads from (0: the one the worker pushes to). */
  instance: number
  committed: number
  delivered: number
  lost: number
  duplicated: number
  outOfOrder: number
  /** Creates delivered whose `data.id` is not their entityId (or without `data`). */
  dataMismatches: number
  recoveryMs: number
  reconnects: number
  /** The first of its connections to end after the fault began, if one did: did the server say `retry:` last? */
  closedAfterFault: ConnectionEnd | undefined
}

export interface CaseResult {
  name: string
  source: Source
  writesFailed: number
  readers: ReaderVerdict[]
  /** What the case measured besides the readers (shown in the fault table). */
  note: string
}

/** One case: its fault (resolves once the system is healed, with a note for the table) and its readers. */
export interface CasePlan {
  /** A string it resolves to is the case's note. */
  fault: () => Promise<unknown>
  /** Readers (default 2); reader i signs in as user i mod the world's users. */
  readers?: number
  /** The instance reader i reads from (default: i mod the world's instances). */
  instanceOf?: (reader: number) => number
  /** How long the writer runs before the fault and after it (default 3 s). */
  calmMs?: number
}

export interface WorldOptions {
  /** Signed-up system admins the readers share (a user may hold `streams.maxPerUser` = 20 streams per instance). */
  users?: number
  /** API processes on the database (the worker pushes to the first; the others follow through NOTIFY). */
  instances?: number
}

interface ApiInstance {
  port: number
  process?: ServerProcess
}

/** API processes (and a worker process) on a database, the writer and the readers of one case. */
export class ChaosWorld {
  private readonly apis: ApiInstance[]
  private worker: ChildProcess | undefined
  private path: CuttablePath | undefined
  private readonly db: Kysely<DB>
  private organizationId = ''
  private cookies: string[] = []

  private constructor(readonly source: Source, readonly urls: DatabaseUrls, ports: number[]) {
    this.apis = ports.map((port) => ({ port }))
    // A connection lost in a Postgres stop is replaced by the pool on the next query.
    this.db = createKysely(createPool({ url: urls.admin, max: 2, connectionTimeoutMs: 2_000 }))
  }

  static async start(source: Source, urls: DatabaseUrls, { users = 2, instances = 1 }: WorldOptions = {}): Promise<ChaosWorld> {
    await applySyncSource(urls.admin, source)
    const ports: number[] = []
    for (let i = 0; i < instances; i++) ports.push(await freePort())
    const world = new ChaosWorld(source, urls, ports)
    for (let i = 0; i < instances; i++) await world.startApi(i)
    if (source === 'replication') {
      world.path = await CuttablePath.open(() => world.apis[0]!.port)
      await world.startWorker()
    }
    await world.arrange(users)
    return world
  }

  get instances(): number {
    return this.apis.length
  }

  baseUrl(instance = 0): string {
    return `http://127.0.0.1:${this.apis[instance]!.port}`
  }

  async startApi(instance = 0): Promise<void> {
    this.apis[instance]!.process = await startServer({
      NODE_ENV: 'test', DEV_MODE: 'full', SYNC_SOURCE: this.source, PORT: String(this.apis[instance]!.port),
      DATABASE_URL: this.urls.runtime, DATABASE_ADMIN_URL: '', CDC_DATABASE_URL: '',
      COOKIE_SECRET: 'chaos-cookie-secret-0123456789', CDC_SECRET: cdcSecret,
    })
  }

  killApi(instance = 0): void {
    this.apis[instance]!.process?.child.kill('SIGKILL')
  }

  /** SIGTERM to the API, as an orchestrator stops it: how long it took to exit, and its exit code. */
  async terminateApi(instance = 0): Promise<{ exitMs: number; code: number | null }> {
    const child = this.apis[instance]!.process!.child
    const started = Date.now()
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
    return { exitMs: Date.now() - started, code: child.exitCode }
  }

  /** Last lines of an API's output (for a failure message). */
  apiOutput(instance = 0): string {
    const api = this.apis[instance]!.process
    if (!api) return 'not started'
    const state = api.child.exitCode === null && api.child.signalCode === null ? 'runs' : `exited (${api.child.exitCode ?? api.child.signalCode})`
    return `the API ${instance} ${state}, its output ends:\n${api.output().slice(-3_000)}`
  }

  async startWorker(): Promise<void> {
    // A killed worker's socket closes at once; wait for its API to see it, so "connected" below is the new one.
    await this.until(async () => (await this.ready())?.info?.cdc?.workersConnectedHere === 0, 30_000, 'the old worker to be gone')
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

  /** Resident memory and open descriptors of the first API and the worker, and the database's connections. */
  async sample(): Promise<Sample> {
    const api = await processUsage(this.apis[0]!.process!.child.pid!)
    const worker = this.worker?.pid ? await processUsage(this.worker.pid) : undefined
    const { rows: [row] } = await sql<{ connections: number }>`
      select count(*)::int as connections from pg_stat_activity where datname = ${this.urls.name}`.execute(this.db)
    return {
      'API RSS (MB)': api.rssMb, 'API open fds': api.fds,
      ...worker ? { 'worker RSS (MB)': worker.rssMb, 'worker open fds': worker.fds } : {},
      'Postgres connections': row!.connections,
    }
  }

  private async ready(): Promise<{ status: string; info?: { cdc?: { workersConnectedHere?: number } } } | undefined> {
    try {
      const res = await fetch(`${this.baseUrl(0)}/ready`)
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

  /** An organization in the single tenant, and `users` signed-up system admins (they read every change). */
  private async arrange(users: number): Promise<void> {
    this.organizationId = uuid()
    await this.db.insertInto('organizations').values({ id: this.organizationId, tenant_id: 'main', name: 'Chaos', slug: `chaos-${this.organizationId.slice(-8)}` }).execute()
    for (let i = 0; i < users; i++) {
      const res = await fetch(`${this.baseUrl(0)}/auth/sign-up`, {
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
   * One case: readers and the writer run; after `calmMs`, the fault runs (it returns once the
   * system is healed); the writer goes on for `calmMs`, then a marker is written and every
   * reader must deliver it. Recovery time: from the fault's start until the reader delivers the
   * first change written after it (0-ish when delivery never stopped).
   */
  async runCase(name: string, plan: CasePlan): Promise<CaseResult> {
    const { fault, readers: count = 2, instanceOf = (i: number) => i % this.apis.length, calmMs = 3_000 } = plan
    const prefix = `${name} ${uuid()}`
    const readers = Array.from({ length: count }, (_, i) => ({
      instance: instanceOf(i),
      reader: new ResumingReader(() => `${this.baseUrl(instanceOf(i))}/entities/app/stream`, this.cookies[i % this.cookies.length]!),
    }))
    await this.until(() => readers.every(({ reader }) => reader.connected), 60_000, 'every reader to connect')
    const writer = new Writer(this.db, this.organizationId, prefix)
    await sleep(calmMs)
    const faultAt = Date.now()
    const outcome = await fault()
    const note = typeof outcome === 'string' ? outcome : ''
    await sleep(calmMs)
    await writer.stop()
    let marker: string | undefined
    await this.until(async () => { marker ??= await writer.write(`${prefix} marker`).catch(() => undefined); return marker !== undefined }, 60_000, 'the marker write')
    await this.until(() => readers.every(({ reader }) => reader.delivered.some((d) => d.entityId === marker)), 60_000, 'every reader to deliver the marker')
      .catch((error: Error) => {
        const behind = readers.filter(({ reader }) => !reader.delivered.some((d) => d.entityId === marker))
        throw new Error(`${error.message} (${behind.length} of ${readers.length} have not); ${this.apis.map((_, i) => this.apiOutput(i)).join('\n')}`)
      })
    for (const { reader } of readers) await reader.stop()

    // The truth: every page of this case the database holds, in the change log's order.
    const { rows: committed } = await sql<{ cursor: string; entityId: string }>`
      select a.id as cursor, a.entity_id as "entityId" from activities a join pages p on p.id::text = a.entity_id
      where p.title like ${`${prefix}%`} order by a.id`.execute(this.db)
    const ours = new Set(committed.map((c) => c.entityId))
    return {
      name, source: this.source, writesFailed: writer.failed, note,
      readers: readers.map(({ instance, reader }) => {
        const mine = reader.delivered.filter((d) => ours.has(d.entityId))
        const distinct = new Set(mine.map((d) => d.entityId))
        let outOfOrder = 0
        for (let i = 1; i < mine.length; i++) if (mine[i]!.cursor <= mine[i - 1]!.cursor) outOfOrder++
        const resumed = mine.find((d) => (writer.writtenAt.get(d.entityId) ?? 0) >= faultAt)!
        return {
          instance, committed: committed.length, delivered: mine.length, lost: committed.length - distinct.size,
          duplicated: mine.length - distinct.size, outOfOrder, dataMismatches: reader.dataMismatches,
          recoveryMs: resumed.at - faultAt, reconnects: reader.reconnects, closedAfterFault: reader.ends.find((end) => end.at >= faultAt),
        }
      }),
    }
  }

  async stop(): Promise<void> {
    this.killWorker()
    await Promise.all(this.apis.map(async ({ process: api }) => {
      if (!api || api.child.exitCode !== null || api.child.signalCode !== null) return
      api.child.kill('SIGTERM')
      await Promise.race([once(api.child, 'exit'), sleep(12_000)])
      api.child.kill('SIGKILL')
    }))
    await this.path?.close()
    await this.db.destroy()
  }
}

/**
 * The fault table of the issue: one line per case and reader; a case of many readers (100
 * streams, a soak) is one line: the range of the readers' deliveries and recoveries, the sums of
 * what went wrong.
 */
export function faultTable(results: CaseResult[]): string {
  const lines = [
    '| source | fault | reader (instance) | committed | delivered | lost | duplicated | out of order | create data ≠ id | recovery | reconnects | failed writes | notes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  const span = (values: number[], show: (value: number) => string) => {
    const [low, high] = [show(Math.min(...values)), show(Math.max(...values))]
    return low === high ? low : `${low}–${high}`
  }
  for (const result of results) {
    const groups = result.readers.length <= 4 ? result.readers.map((r, i) => ({ label: `${i + 1} (${r.instance + 1})`, readers: [r] })) : [{ label: `each of ${result.readers.length}`, readers: result.readers }]
    for (const { label, readers } of groups) {
      const total = (pick: (r: ReaderVerdict) => number) => readers.reduce((n, r) => n + pick(r), 0)
      lines.push(`| ${result.source} | ${result.name} | ${label} | ${readers[0]!.committed} | ${span(readers.map((r) => r.delivered), String)} | ${total((r) => r.lost)} | ${total((r) => r.duplicated)} | ${total((r) => r.outOfOrder)} | ${total((r) => r.dataMismatches)} | ${span(readers.map((r) => r.recoveryMs), seconds)} | ${total((r) => r.reconnects)} | ${result.writesFailed} | ${result.note} |`)
    }
  }
  return lines.join('\n')
}
