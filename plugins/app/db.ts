import fp from 'fastify-plugin'
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'
import { AppError } from '../../lib/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Kysely over the runtime role (NOBYPASSRLS): tenant data only through an RLS context. Always
     * present: with `database: false` every query fails with 503 `no_database` (`noDatabase`).
     */
    db: Kysely<DB>
    /** The runtime pool, for health and pool metrics; absent with `database: false`. */
    pool?: pg.Pool
  }
}

/** What a query answers in an app built without a database (`database: false`). */
export const noDatabase = () => new AppError(503, 'no_database', 'error', {
  message: 'No database: the app was built with database: false',
})

/**
 * A Kysely that compiles queries as Postgres does and refuses every connection: routes stay
 * registered (the OpenAPI document lists them) and a request that needs the database gets a
 * clear 503 instead of a crash on an absent decorator.
 */
function kyselyWithoutDatabase(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: () => Promise.reject(noDatabase()), end: async () => {} } }),
  })
}

/** Connection pools (SPEC §1). Without a database (`DEV_MODE=none`), a `db` that refuses every query. */
export default fp(async (fastify) => {
  const { database } = fastify.config
  if (!database) {
    fastify.decorate('db', kyselyWithoutDatabase())
    return
  }
  const pool = createRuntimePool({
    url: database.url,
    max: database.poolMax,
    connectionTimeoutMs: database.connectionTimeoutMs,
    applicationName: 'strata-api',
  }, fastify.log)
  const db = createKysely(pool)
  fastify.decorate('pool', pool)
  fastify.decorate('db', db)
  fastify.addHook('onClose', async () => {
    await db.destroy()
  })
}, { name: 'db', dependencies: ['config'] })
