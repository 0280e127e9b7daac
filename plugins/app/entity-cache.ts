import fp from 'fastify-plugin'
import { type Cache, entityKey } from '../../lib/cache.js'
import { SingleFlight } from '../../lib/singleflight.js'

/** A cached entity row: what the permission re-check needs is always on it. */
export interface CachedEntity {
  id: string
  tenant_id: string
  organization_id: string
  created_by: string | null
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Single-entity reads (SPEC §9), or null when disabled. Entries are invalidated by the
     * ActivityBus, so the cache needs the sync engine; every hit is re-authorized by the route.
     */
    entityCache: { cache: Cache<CachedEntity>; flights: SingleFlight<CachedEntity | undefined> | null } | null
  }
}


export default fp(async (fastify) => {
  const { entityCache, sync, coalescing } = fastify.config
  if (!entityCache || !sync || !fastify.config.database) {
    fastify.decorate('entityCache', null)
    return
  }
  const cache = fastify.caches.create<CachedEntity>({ name: 'entity', max: entityCache.max, ttlMs: entityCache.ttlMs })
  fastify.decorate('entityCache', { cache, flights: coalescing ? new SingleFlight<CachedEntity | undefined>() : null })
  fastify.activityBus.on('activity', (activity) => {
    if (activity.action !== 'create') cache.delete(entityKey(activity.entityType, activity.entityId))
  })
  // After a gap the bus cannot say what changed: forget everything.
  fastify.activityBus.on('gap', () => cache.clear())
}, { name: 'entity-cache', dependencies: ['config', 'caches', 'activity-bus'] })
