import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import pg from 'pg'
import strata from '../app.js'
import type { StrataOptionsInput } from '../config/options.js'
import { createKysely, createPool } from '../db/connection.js'
import { revokeObjectCreation } from '../db/roles.js'
import type { DB } from '../db/schema.js'
import { serverOptions } from '../config/server-options.js'
import { templateDatabase, testRoles } from './harness/settings.js'

/** What `t.teardown` needs: tap's Test, or anything with the same method. */
export interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestDatabase {
  name: string
  /** Superuser on this database: bypasses RLS; for arranging rows and checking what was written. */
  superuserUrl: string
  runtimeUrl: string
  cdcUrl: string
  /** Kysely as superuser (closed at teardown). */
  superuser: Kysely<DB>
}

function harnessUrl(user: string, password: string, database: string): string {
  const port = process.env.STRATA_TEST_PG_PORT
  if (!port) throw new Error('run tests with `npm test`: it starts PostgreSQL (STRATA_TEST_PG_PORT is unset)')
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`
}

const superuserPassword = () => process.env.STRATA_TEST_PG_PASSWORD ?? ''
let databaseCounter = 0
let outboxCounter = 0

/** A fresh database cloned from the migrated template, dropped when the test ends. */
export async function testDatabase(t: Teardown): Promise<TestDatabase> {
  const name = `t_${process.pid}_${++databaseCounter}`
  const maintenance = new pg.Client({ connectionString: harnessUrl('postgres', superuserPassword(), 'postgres') })
  await maintenance.connect()
  try {
    await maintenance.query(`create database ${name} template ${templateDatabase}`)
    // Database privileges are not copied from the template: lock this one down as `db:roles` does.
    await revokeObjectCreation(maintenance, name, { runtime: testRoles.runtime.user, cdc: testRoles.cdc.user })
  } finally {
    await maintenance.end()
  }
  const superuserUrl = harnessUrl('postgres', superuserPassword(), name)
  const superuser = createKysely(createPool({ url: superuserUrl, max: 3 }))
  t.teardown(async () => {
    await superuser.destroy()
    const client = new pg.Client({ connectionString: harnessUrl('postgres', superuserPassword(), 'postgres') })
    await client.connect()
    // Replication slots pin their database: end their walsenders and drop them first.
    await client.query(`select pg_terminate_backend(active_pid) from pg_replication_slots where database = $1 and active_pid is not null`, [name])
    await client.query(`select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = $1`, [name]).catch(() => {})
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  })
  return {
    name,
    superuserUrl,
    runtimeUrl: harnessUrl(testRoles.runtime.user, testRoles.runtime.password, name),
    cdcUrl: harnessUrl(testRoles.cdc.user, testRoles.cdc.password, name),
    superuser,
  }
}

export type BuildOptions = Partial<StrataOptionsInput>

/** Options for tests: features that need background work are off unless a test turns them on. */
export function testOptions(database: TestDatabase | false, overrides: BuildOptions = {}): StrataOptionsInput {
  return {
    sync: false,
    rateLimit: false,
    // A loaded CI machine must not turn test requests into 503s (tested on its own in load-shedding.test.ts).
    loadShedding: false,
    mailer: { transport: 'outbox', dir: path.join(tmpdir(), `strata-outbox-${process.pid}-${++outboxCounter}`) },
    database: database ? { url: database.runtimeUrl, poolMax: 5 } : false,
    cookieSecret: 'test-cookie-secret-0123456789',
    ...overrides,
  }
}

export interface BuildExtras {
  /** Use this database (or none) instead of a fresh clone. */
  database?: TestDatabase | false
  /** Extra routes a test needs, registered after Strata and before `ready()`. */
  routes?: (app: FastifyInstance) => void | Promise<void>
  /** Receives the app's JSON log lines (at `info` level) instead of discarding them. */
  logStream?: NodeJS.WritableStream
}

/** A ready Strata app on its own database, closed at teardown. */
export async function build(t: Teardown, overrides: BuildOptions = {}, extras: BuildExtras = {}) {
  const db = extras.database ?? await testDatabase(t)
  const level = extras.logStream ? 'info' : process.env.LOG_LEVEL ?? 'silent'
  // A loaded machine may take longer than the default 10 s to start the plugins; that is not a failure.
  const app: FastifyInstance = Fastify({ ...serverOptions(level, undefined, extras.logStream), pluginTimeout: 60_000 })
  const routes: RouteOptions[] = []
  app.addHook('onRoute', (route) => { routes.push(route) })
  await app.register(fp(strata), testOptions(db, overrides))
  await extras.routes?.(app)
  await app.ready()
  t.teardown(() => app.close())
  return { app, db: db || undefined, routes }
}

/** A stream to log to (`build(t, …, { logStream })`, pino) and the lines written to it, one per entry. */
export function logCapture(): { stream: Writable; lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(...String(chunk).trim().split('\n')); done() } })
  return { stream, lines }
}

/** The origin `inject` requests come from by default (the server's own, so CSRF passes). */
export const sameOrigin = 'http://localhost:80'

export interface SignedIn {
  cookie: string
  user: { id: string; email: string; name: string; emailVerified: boolean }
}

/** Signs up through the API and returns the session cookie to send back. */
export async function signUp(app: FastifyInstance, email: string, password = 'password-123', name?: string): Promise<SignedIn> {
  const res = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email, password, name } })
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`)
  return { cookie: sessionCookieOf(res.headers['set-cookie']), user: res.json().user }
}

export function sessionCookieOf(header: string | string[] | undefined): string {
  const cookie = [header ?? []].flat().find((c) => c.startsWith('strata-session='))
  if (!cookie) throw new Error('no session cookie was set')
  return cookie.split(';')[0]!
}

/** `app.inject` as a signed-in browser on the app's own origin. */
export function as(app: FastifyInstance, who: SignedIn | undefined) {
  return (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: { ...(who ? { cookie: who.cookie } : {}), origin: sameOrigin, ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    })
}

/** Makes a user a system admin (as superuser: the API cannot grant it). */
export async function makeSystemAdmin(db: TestDatabase, userId: string): Promise<void> {
  await db.superuser.insertInto('system_roles').values({ user_id: userId, role: 'admin' }).execute()
}

export interface SentMail {
  to: string
  subject: string
  text: string
  html: string
}

/** Messages the app wrote to its outbox, oldest first. */
export async function outbox(app: FastifyInstance): Promise<SentMail[]> {
  const { mailer } = app.config
  if (mailer.transport !== 'outbox') throw new Error('the app does not use the outbox transport')
  const files = await readdir(mailer.dir).catch(() => [] as string[])
  const mails = await Promise.all(files.sort().map(async (f) => JSON.parse(await readFile(path.join(mailer.dir, f), 'utf8')) as SentMail))
  return mails
}

/** The token of the latest verification mail sent to `email`. */
export async function verificationToken(app: FastifyInstance, email: string): Promise<string> {
  const mail = (await outbox(app)).findLast((m) => m.to === email && m.subject.startsWith('Verify your email'))
  const token = mail && /[?&]token=([^&\s]+)/.exec(mail.text)?.[1]
  if (!token) throw new Error(`no verification mail was sent to ${email}`)
  return decodeURIComponent(token)
}

/** Verifies the user's email through the API, with the link of their verification mail. */
export async function verifyEmail(app: FastifyInstance, who: SignedIn): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/auth/verify-email', payload: { token: await verificationToken(app, who.user.email) } })
  if (res.statusCode !== 200) throw new Error(`verification failed: ${res.statusCode} ${res.body}`)
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Options that turn the sync engine on for a test database (its own slot: slots are cluster-wide). */
export function syncOptions(db: TestDatabase, source: 'replication' | 'notify' = 'replication'): BuildOptions {
  return { sync: { source, slot: `slot_${db.name}` }, cdcSecret: 'test-cdc-secret-0123456789' }
}
