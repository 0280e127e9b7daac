import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { checkCatalog } from '../../db/catalog.js'
import { pendingMigrationNames } from '../../db/migrate.js'

/** `/ready` checks of the database: reachable, fully migrated, tenant isolation sound (SPEC §4.5). */
export default fp(async (fastify) => {
  const { database, sync, migrations } = fastify.config
  if (!database) return
  fastify.readiness.add('database', async () => {
    await sql`select 1`.execute(fastify.db)
    return []
  })
  fastify.readiness.add('migrations', async () => {
    const pending = await pendingMigrationNames(fastify.db, migrations)
    return pending.map((name) => `migration ${name} is pending`)
  })
  // Publication membership matters only where the CDC worker reads it (replication source).
  const publication = sync && sync.source === 'replication' ? sync.publication : false
  // Every registered entity must have its table isolated (an author's migration may be missing).
  fastify.readiness.add('catalog', () => checkCatalog(fastify.db, { publication, registered: fastify.entities.all() }))
}, { name: 'database-readiness', dependencies: ['db', 'readiness', 'entities'] })
