import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { managedTables } from '../../db/partitioning.js'
import { withContext } from '../../db/rls.js'

// Partitions reach days ahead; hourly keeps a long-running instance ahead without db:maintenance.
const everyMs = 60 * 60 * 1000

/**
 * The `partitioning` option at run time: at boot (and hourly) the partitions ahead are created
 * (`app.create_partitions()`, the one partitioning function the runtime role may call, in the sync
 * context); `/ready` names a configured table that is not partitioned. Converting tables needs the
 * admin role: `npm run db:partition`, or the boot of server.ts with `PARTITIONING`.
 */
export default fp(async (fastify) => {
  const { partitioning, database } = fastify.config
  if (!partitioning || !database) return
  const tables = managedTables(partitioning).map((m) => m.table)
  const unpartitioned = async () => (await sql<{ table: string }>`
    select t as table from unnest(${tables}::text[]) t
    where coalesce((select relkind from pg_class where oid = to_regclass('public.' || t)), 'r') <> 'p'`.execute(fastify.db)).rows.map((r) => r.table)
  const createAhead = () => withContext(fastify.db, { kind: 'sync' }, (trx) => sql`select app.create_partitions()`.execute(trx))

  const missing = await unpartitioned()
  if (missing.length > 0) {
    throw new Error(`partitioning is on but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not partitioned: run npm run db:partition`)
  }
  await createAhead()
  const timer = setInterval(() => {
    createAhead().catch((err: unknown) => fastify.log.error({ err }, 'creating partitions ahead failed'))
  }, everyMs)
  timer.unref()
  fastify.readiness.add('partitioning', async () => (await unpartitioned()).map((table) => `${table} is not partitioned (npm run db:partition)`))
  fastify.addHook('onClose', async () => { clearInterval(timer) })
}, { name: 'partitioning', dependencies: ['config', 'db', 'readiness'] })
