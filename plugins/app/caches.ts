import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import { Cache, type CacheOptions } from '../../lib/cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every cache of this instance, created here so /metrics sees them all. */
    caches: {
      create<V extends NonNullable<unknown>>(options: CacheOptions): Cache<V>
      all(): Array<Cache<NonNullable<unknown>>>
    }
  }
}

/** Cache registry and its metrics: hits, misses, evictions, invalidations, size per cache. */
export default fp(async (fastify) => {
  const caches: Array<Cache<NonNullable<unknown>>> = []
  fastify.decorate('caches', {
    create<V extends NonNullable<unknown>>(options: CacheOptions): Cache<V> {
      const cache = new Cache<V>(options)
      caches.push(cache as unknown as Cache<NonNullable<unknown>>)
      return cache
    },
    all: () => caches,
  })
  if (!fastify.config.metrics) return
  new Gauge({
    name: 'cache_operations', help: 'Cache counters since start, by cache and kind', labelNames: ['cache', 'kind'] as const,
    registers: [fastify.metrics],
    collect() {
      for (const cache of caches) {
        for (const [kind, value] of Object.entries(cache.snapshot())) this.set({ cache: cache.options.name, kind }, value)
      }
    },
  })
}, { name: 'caches', dependencies: ['config', 'metrics'] })
