import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { withContext } from '../../db/rls.js'

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
  fastify.readiness.add('notify-source', async () => {
    const { rows: [row] } = await sql<{ source: string | null }>`select current_setting('strata.sync_source', true) as source`.execute(fastify.db)
    return row?.source === 'notify' ? [] : ["the database is not set to the notify source (ALTER DATABASE … SET strata.sync_source = 'notify')"]
  })
  fastify.addHook('onClose', async () => {
    clearInterval(timer)
    await running
  })
}, { name: 'notify-source', dependencies: ['config', 'db', 'readiness'] })
