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

export type CacheSource = 'HIT' | 'MISS' | 'COALESCED'

/**
 * Single-entity reads through an LRU, invalidated by the ActivityBus (changes from anywhere) and
 * by this instance's own writes when they commit (read-your-writes before the CDC event arrives).
 */
export class EntityCache {
  /**
   * Bumped by every invalidation. A load that started before a bump may hold the row as it was
   * before that write: it is neither cached nor joined by reads that start after the bump.
   */
  private generation = 0

  constructor(readonly cache: Cache<CachedEntity>, readonly flights: SingleFlight<CachedEntity | undefined> | null) {}

  /** The cached row, or `load`'s; callers of one `scope` (organization) share a query in flight. */
  async read(entityType: string, id: string, scope: string, load: () => Promise<CachedEntity | undefined>): Promise<{ row: CachedEntity | undefined; source: CacheSource }> {
    const cached = this.cached(entityType, id)
    return cached ? { row: cached, source: 'HIT' } : this.readThrough(entityType, id, scope, load)
  }

  /** The cached row, synchronously (a hot read answers without a promise). */
  cached(entityType: string, id: string): CachedEntity | undefined {
    return this.cache.get(entityKey(entityType, id))
  }

  /** The miss path of `read`: `load`'s row, remembered unless a write intervened. */
  async readThrough(entityType: string, id: string, scope: string, load: () => Promise<CachedEntity | undefined>): Promise<{ row: CachedEntity | undefined; source: CacheSource }> {
    const key = entityKey(entityType, id)
    const generation = this.generation
    const flight = this.flights
      ? await this.flights.run(`${key}@${scope}#${generation}`, load)
      : { value: await load(), coalesced: false }
    if (flight.value && generation === this.generation) this.cache.set(key, flight.value)
    return { row: flight.value, source: flight.coalesced ? 'COALESCED' : 'MISS' }
  }

  invalidate(entityType: string, id: string): void {
    this.generation++
    this.cache.delete(entityKey(entityType, id))
  }

  clear(): void {
    this.generation++
    this.cache.clear()
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Single-entity reads (SPEC §9), or null when disabled. Entries are invalidated by the
     * ActivityBus, so the cache needs the sync engine; every hit is re-authorized by the route.
     */
    entityCache: EntityCache | null
  }
}

export default fp(async (fastify) => {
  const { entityCache, coalescing } = fastify.config
  const bus = fastify.activityBus
  if (!entityCache || !bus) {
    fastify.decorate('entityCache', null)
    return
  }
  const cache = new EntityCache(
    fastify.caches.create<CachedEntity>({ name: 'entity', max: entityCache.max, ttlMs: entityCache.ttlMs }),
    coalescing ? new SingleFlight<CachedEntity | undefined>() : null,
  )
  fastify.decorate('entityCache', cache)
  bus.on('activity', (activity) => {
    if (activity.action !== 'create') cache.invalidate(activity.entityType, activity.entityId)
  })
  // After a gap the bus cannot say what changed: forget everything.
  bus.on('gap', () => cache.clear())
}, { name: 'entity-cache', dependencies: ['config', 'caches', 'activity-bus'] })
