import { createHash } from 'node:crypto'
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { DB } from './schema.js'

export interface PoolOptions {
  url: string
  max?: number
  connectionTimeoutMs?: number
  applicationName?: string
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
  })
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on('error', (err) => log?.error({ err }, 'idle postgres connection failed'))
  return pool
}

/**
 * Turns every parameterized query of a pooled client into a named prepared statement, so each
 * connection plans a query shape once. Planning is the dominant cost of short queries under
 * row-level security (the policies expand into every plan); a cached plan skips it.
 */
export function preparedStatements(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown
    client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
        const name = `s${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`
        return query({ name, text, values })
      }
      return query(text, values, callback)
    }) as typeof client.query
  })
  return pool
}

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
