import { createHash } from 'node:crypto'
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { fastTypes } from '../lib/pg-timestamp.js'
import type { DB } from './schema.js'

export interface PoolOptions {
  url: string
  max?: number
  connectionTimeoutMs?: number
  applicationName?: string
  /** Send queries without waiting for the previous one's answer (see `runtimeQueryPath`). */
  pipeline?: boolean
}

export interface ErrorLogger {
  error(obj: object, msg: string): void
}

export function createPool(options: PoolOptions, log?: ErrorLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'strata',
    pipeline: options.pipeline ?? false,
    // Timestamps read as pg reads them, faster (a list of 20 rows has 40).
    types: fastTypes,
  })
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on('error', (err) => log?.error({ err }, 'idle postgres connection failed'))
  // Nor a client in use between two queries (the pool listens only to idle ones): a stopping
  // server's notice arrives as an 'error' event there; the client's next query fails instead.
  pool.on('connect', (client) => { client.on('error', () => {}) })
  return pool
}

/** Marks a statement that may wait for the next one on its connection (see `runtimeQueryPath`). */
export const deferrable = (statement: string) => `/* deferrable */ ${statement}`
const deferrableMark = '/* deferrable */ '

/** The answer for a statement that was not sent (a fresh object: callers may keep it). */
const notSent = (command: 'BEGIN' | 'COMMIT' | 'ROLLBACK') => Promise.resolve({ command, rowCount: null, rows: [], fields: [] })

/** Statement names by query text: a query's shape is hashed once, not on every run. */
const statementNames = new Map<string, string>()
/** Bounds the names kept: texts with inlined lists vary; past this many, start over. */
const maxStatementNames = 5_000

function statementName(text: string): string {
  let name = statementNames.get(text)
  if (name === undefined) {
    if (statementNames.size >= maxStatementNames) statementNames.clear()
    name = `s${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`
    statementNames.set(text, name)
  }
  return name
}

/**
 * The runtime pool's query path, for the shape of every guarded request (open a transaction
 * and set the RLS context, run the handler's queries, commit):
 *
 * - Every parameterized query becomes a named prepared statement, so each connection plans a
 *   query shape once. Planning is the dominant cost of short queries under row-level security
 *   (the policies expand into every plan: ~0.6 ms for the page list); a cached plan skips it.
 *   The connection uses generic plans only (`plan_cache_mode`): by default Postgres replans a
 *   statement with its values whenever the generic plan's estimate looks worse, which it always
 *   does with a `limit $n` (taken as a tenth of the rows), so the list was planned on every run.
 *   Our statements filter by organization and id, where one plan fits every value.
 * - A `deferrable` statement (the BEGIN + context of `withContext`) is not sent on its own: it
 *   goes out in one write with the next query, pipelined (`pipeline: true` on the pool), so the
 *   transaction costs no extra round trip. When no query follows, the COMMIT or ROLLBACK that
 *   ends it is not sent either. Without this wrapper the statement simply runs when called.
 */
export function runtimeQueryPath(pool: pg.Pool): pg.Pool {
  const forgetDeferred = new WeakMap<pg.PoolClient, () => void>()
  // A statement deferred by one user of a connection never reaches the next one.
  pool.on('release', (_err: Error | undefined, client: pg.PoolClient) => forgetDeferred.get(client)?.())
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>
    // Queued before any user's query. Should it fail, Postgres chooses plans as by default.
    query('set plan_cache_mode = force_generic_plan').catch(() => {})
    const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream
    let deferred: string | null = null
    forgetDeferred.set(client as pg.PoolClient, () => { deferred = null })
    // Parameterized text queries become named prepared statements; any other form goes as is.
    const send = (text: unknown, values?: unknown, callback?: unknown) =>
      typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined
        ? query({ name: statementName(text), text, values })
        : query(text, values, callback)
    client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
      if (typeof text === 'string' && text.startsWith(deferrableMark)) {
        deferred = text
        return notSent('BEGIN')
      }
      if (deferred === null) return send(text, values, callback)
      const opener = deferred
      deferred = null
      if (text === 'commit' || text === 'rollback') return notSent(text === 'commit' ? 'COMMIT' : 'ROLLBACK')
      // Both in one write, the opener first. Its failure is the query's failure; for a
      // callback-style query it fails closed (no context: RLS shows no rows, refuses writes).
      stream.cork()
      const opened = query(opener)
      const result = send(text, values, callback)
      stream.uncork()
      if (!(result instanceof Promise)) {
        opened.catch(() => {})
        return result
      }
      return Promise.all([opened, result]).then(([, r]) => r)
    }) as typeof client.query
  })
  return pool
}

/** The API's pool as runtime_role: pipelined, with the query path above. */
export const createRuntimePool = (options: Omit<PoolOptions, 'pipeline'>, log?: ErrorLogger) =>
  runtimeQueryPath(createPool({ ...options, pipeline: true }, log))

/** A Kysely instance on `pool`; `role` is assumed (`SET ROLE`) on every new connection. */
export function createKysely<T = DB>(pool: pg.Pool, role?: string): Kysely<T> {
  return new Kysely<T>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: role
        ? async (connection) => {
            await connection.executeQuery(CompiledQuery.raw(`set role "${role.replaceAll('"', '""')}"`))
          }
        : undefined,
    }),
  })
}
