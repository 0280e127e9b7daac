import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import type { DB } from '../../db/schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Kysely over the runtime role (NOBYPASSRLS): tenant data only through an RLS context. */
    db: Kysely<DB>
    /** The runtime pool, for health and pool metrics. */
    pool: pg.Pool
  }
}

/** Connection pools (SPEC §1). Absent when the app runs without a database (`DEV_MODE=none`). */
export default fp(async (fastify) => {
  const { database } = fastify.config
  if (!database) return
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
