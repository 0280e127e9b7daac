import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { Counter, Gauge } from 'prom-client'
import { withContext } from '../../db/rls.js'
import { type ActivityRow, userChangedPrefix } from '../../sync/activity.js'
import { PublicEntityTables } from '../../sync/public-entities.js'
import { StreamDispatcher } from '../../sync/stream-dispatcher.js'
import { readRuleOf } from '../../sync/subscriber-registry.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Routes bus activities to open SSE streams; opens streams with replay. Absent without the ActivityBus. */
    streams?: StreamDispatcher
    /** Counts what every stream sends and drops (for /metrics). Absent without the ActivityBus. */
    streamObserver?: { sent(count: number): void; dropped(): void }
  }
}

/**
 * Stream dispatch (SPEC §7): one dispatcher per API instance, fed by the ActivityBus. At
 * shutdown every stream ends with a `retry:` hint before the server closes.
 */
export default fp(async (fastify) => {
  const { activityBus: bus, rowPayloads } = fastify
  if (!bus || !rowPayloads) return
  const db = fastify.db
  const publicEntities = new PublicEntityTables(db)
  const dispatcher = new StreamDispatcher({
    bus,
    async readAfter(cursor, limit, filter) {
      // The filter is the stream's RLS context: what it may replay follows from that alone (SPEC §4.6).
      const { rows } = await withContext(db, filter,
        (trx) => sql<ActivityRow>`select * from app.activities_for(${cursor}, ${limit})`.execute(trx), { readOnly: true })
      return rowPayloads.toActivities(rows)
    },
    publicEntities,
    readRule: (type) => readRuleOf(type, fastify.entities.get(type)),
    isPublicRow: (type, row) => fastify.entities.get(type)?.publicRead?.matches(row) ?? false,
    tenantStatus: {
      inactive: async () => (await db.selectFrom('tenants').select('id').where('status', '!=', 'active').execute()).map((t) => t.id),
      isActive: async (tenantId) => (await db.selectFrom('tenants').select('status').where('id', '=', tenantId).executeTakeFirst())?.status === 'active',
    },
    onError: (err) => fastify.log.error({ err }, 'stream dispatch failed'),
  })
  fastify.decorate('streams', dispatcher)

  const registers = [fastify.metrics]
  new Gauge({ name: 'sse_open_streams', help: 'Open SSE streams', labelNames: ['kind'] as const, registers, collect() {
    this.set({ kind: 'user' }, dispatcher.registry.size)
    this.set({ kind: 'public' }, dispatcher.publicCount)
  } })
  new Counter({ name: 'sse_events_replayed_total', help: 'Change events sent during replays', registers, collect() {
    this.reset()
    this.inc(dispatcher.replayed)
  } })

  const sent = new Counter({ name: 'sse_events_sent_total', help: 'Change events written to SSE streams', registers })
  const dropped = new Counter({ name: 'sse_slow_clients_dropped_total', help: 'Streams closed because the client read too slowly', registers })
  fastify.decorate('streamObserver', { sent: (count) => sent.inc(count), dropped: () => dropped.inc() })

  // A user's system role changed (migration 0019): their streams were routed by the old one. They
  // end (with a retry hint); the client resumes from its last id under the new status.
  bus.on('invalidate', (key) => {
    if (key.startsWith(userChangedPrefix)) dispatcher.endUser(key.slice(userChangedPrefix.length))
  })

  fastify.addHook('preClose', async () => {
    for (const connection of dispatcher.connections()) connection.end('server')
  })
  fastify.addHook('onClose', async () => dispatcher.tenants.stop())
}, { name: 'sse', dependencies: ['config', 'db', 'activity-bus', 'metrics', 'entities'] })
