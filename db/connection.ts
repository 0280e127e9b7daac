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
