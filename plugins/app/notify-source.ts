import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { withContext } from '../../db/rls.js'
import { syncedTables } from '../../migrations/0004_sync.js'

const pollMs = 100

/**
 * The notify source (SPEC §8): the database records changes with triggers; this instance
 * sequences them into activities (`app.sequence_outbox()`, one sequencer at a time across
 * instances) every 100 ms, and the ActivityBus follows them by cursor as with replication.
 */
export default fp(async (fastify) => {
  const { sync, database } = fastify.config
  if (!sync || sync.source !== 'notify' || !database) return
  let running: Promise<unknown> = Promise.resolve()
  const sequence = () => {
    running = withContext(fastify.db, { kind: 'sync' }, (trx) => sql`select app.sequence_outbox()`.execute(trx))
      .catch((err: unknown) => fastify.log.error({ err }, 'sequencing the activity outbox failed'))
    return running
  }
  const timer = setInterval(() => { void sequence() }, pollMs)
  // Its prerequisites: the database set to this source (what the triggers look at), and an enabled
  // recording trigger on every synced table (Strata's and every entity type's).
  fastify.readiness.add('notify-source', async () => {
    const { rows: [row] } = await sql<{ source: string | null }>`select current_setting('strata.sync_source', true) as source`.execute(fastify.db)
    const { rows: untracked } = await sql<{ table: string }>`
      select t.name as table from (select unnest(${[...syncedTables]}::text[]) union select table_name from app.entity_types) t(name)
      where not exists (select 1 from pg_trigger g where g.tgrelid = to_regclass(t.name)
        and g.tgfoid = 'app.record_change'::regproc and g.tgenabled <> 'D')
      order by 1`.execute(fastify.db)
    return [
      ...row?.source === 'notify' ? [] : ["the database is not set to the notify source (start with SYNC_SOURCE=notify and the admin URL, or run SYNC_SOURCE=notify npm run migrate)"],
      ...untracked.map(({ table }) => `table ${table} has no enabled app.record_change trigger`),
    ]
  })
  fastify.addHook('onClose', async () => {
    clearInterval(timer)
    await running
  })
}, { name: 'notify-source', dependencies: ['config', 'db', 'readiness'] })
