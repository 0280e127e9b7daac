import fp from 'fastify-plugin'
import { sql } from 'kysely'
import pg from 'pg'
import { withContext } from '../../db/rls.js'
import { type ActivityRow, activitiesChannel, invalidationChannel } from '../../sync/activity.js'
import { ActivityBus } from '../../sync/activity-bus.js'
import { backoffDelay, sleep } from '../../sync/backoff.js'
import { RowPayloads } from '../../sync/row-payloads.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Ordered feed of committed changes; caches and streams subscribe to it. Absent with
     * `sync: false` or `database: false`: a subscriber checks for it (and then has no invalidation).
     */
    activityBus?: ActivityBus
    /** Reads activities of the change log with their rows and their entities' DTOs (events' `data`). Absent with the bus. */
    rowPayloads?: RowPayloads
  }
}

/**
 * The ActivityBus of this API instance (SPEC §8): starts at the latest stored cursor, is fed
 * by the CDC ingest, and — so that every instance sees every change, whoever wrote it — also
 * wakes on NOTIFY `strata_activities` to read new activities from the table by cursor.
 */
export default fp(async (fastify) => {
  const { sync, database } = fastify.config
  if (!sync || !database) return
  // The change log of every tenant is readable only in the sync engine's context.
  const latestCursor = async () => {
    const { rows: [latest] } = await withContext(fastify.db, { kind: 'sync' },
      (trx) => sql<{ cursor: string }>`select app.latest_activity_cursor() as cursor`.execute(trx), { readOnly: true })
    return latest?.cursor ?? ''
  }
  const payloads = new RowPayloads(fastify.entities, async (table) => {
    const { rows } = await sql<{ name: string; type: number }>`
      select attname as name, atttypid::int as type from pg_attribute
      where attrelid = to_regclass(${`public.${table}`}) and attnum > 0 and not attisdropped`.execute(fastify.db)
    return new Map(rows.map((column) => [column.name, column.type]))
  }, fastify.log)
  fastify.decorate('rowPayloads', payloads)
  const bus = new ActivityBus(async (after, limit) => {
    const { rows } = await withContext(fastify.db, { kind: 'sync' },
      (trx) => sql<ActivityRow>`select * from app.activities_after(${after}, ${limit})`.execute(trx), { readOnly: true })
    return payloads.toActivities(rows)
  }, await latestCursor())
  fastify.decorate('activityBus', bus)

  // LISTEN on a dedicated connection, re-opened with backoff; every (re)connect catches up.
  const abort = new AbortController()
  let listening = false
  let listener: pg.Client | undefined
  // Set once a listening connection has been lost: the next one starts with a gap.
  let lost = false
  const listen = async () => {
    for (let attempt = 0; !abort.signal.aborted; attempt++) {
      const client = new pg.Client({ connectionString: database.url, application_name: 'strata-listen' })
      // Attached before anything can fail and never removed: a server that stops emits 'error' more
      // than once (its termination notice, then the broken socket), and one unhandled 'error'
      // would take the whole process down; a loss during the catch-up below still ends the wait.
      const closed = new Promise<void>((resolve) => {
        client.on('error', () => resolve())
        client.once('end', () => resolve())
      })
      try {
        await client.connect()
        await client.query(`listen ${activitiesChannel}; listen ${invalidationChannel}`)
        listener = client
        client.on('notification', (message) => {
          if (message.channel === invalidationChannel) {
            if (message.payload) bus.emit('invalidate', message.payload)
            return
          }
          bus.catchUp(message.payload).catch((err: unknown) => fastify.log.error({ err }, 'activity catch-up failed'))
        })
        if (lost) bus.markGap()
        await bus.catchUp()
        listening = true
        await Promise.race([closed, new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }))])
        attempt = 0
      } catch (err) {
        if (!abort.signal.aborted) fastify.log.warn({ err }, 'activity listener lost its connection')
      } finally {
        listening = false
        lost = listener !== undefined || lost
        listener = undefined
        await client.end().catch(() => {})
      }
      await sleep(backoffDelay(attempt), abort.signal)
    }
  }
  const following = listen()

  // An instance is ready when its own feed is live (LISTEN up since its last catch-up) and caught
  // up with the change log: then its streams get every change, whoever wrote it and wherever
  // the CDC worker pushes (issue 18.2).
  let lastChangeAt: string | null = null
  bus.on('activity', (activity) => { lastChangeAt = activity.createdAt })
  fastify.readiness.add('activity-bus', async () => {
    if (!listening) return ['not listening for changes (the LISTEN connection is down)']
    const latest = await latestCursor()
    if (bus.cursor < latest) await bus.catchUp()
    return bus.cursor < latest ? [`behind the change log: at ${bus.cursor || 'the start'}, the log at ${latest}`] : []
  })
  fastify.readiness.info('activity-bus', async () => ({ listening, cursor: bus.cursor, lastChangeAt }))

  fastify.addHook('onClose', async () => {
    abort.abort()
    await listener?.end().catch(() => {})
    await following
  })
}, { name: 'activity-bus', dependencies: ['config', 'db', 'readiness', 'entities'] })
