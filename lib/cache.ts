import { LRUCache } from 'lru-cache'

/** Key of one entity in the entity cache. */
export const entityKey = (entityType: string, id: string): string => `${entityType}:${id}`

export interface CacheStats {
  hits: number
  misses: number
  evictions: number
  invalidations: number
  size: number
}

export interface CacheOptions {
  name: string
  max: number
  /** Entries older than this are misses (0 = no TTL: a pure LRU). */
  ttlMs?: number
}

/**
 * An LRU (optionally TTL) cache on lru-cache with prefix invalidation and counters for
 * /metrics. Keys are strings such as `page:<id>`, so `invalidatePrefix('page:')` drops a kind.
 */
export class Cache<V extends NonNullable<unknown>> {
  private readonly lru: LRUCache<string, V>
  readonly stats: Omit<CacheStats, 'size'> = { hits: 0, misses: 0, evictions: 0, invalidations: 0 }

  constructor(readonly options: CacheOptions) {
    this.lru = new LRUCache<string, V>({
      max: options.max,
      ...(options.ttlMs ? { ttl: options.ttlMs, ttlAutopurge: false } : {}),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict' || reason === 'expire') this.stats.evictions++
      },
    })
  }

  get(key: string): V | undefined {
    const value = this.lru.get(key)
    if (value === undefined) this.stats.misses++
    else this.stats.hits++
    return value
  }

  set(key: string, value: V): void {
    this.lru.set(key, value)
  }

  /**
   * The miss path of a read-through look-up: `cache.get(key) ?? await cache.load(key, loader)`
   * (the hit stays synchronous). Remembers what `loader` finds; nothing found is not remembered.
   */
  async load(key: string, loader: () => Promise<V | undefined>): Promise<V | undefined> {
    const value = await loader()
    if (value !== undefined) this.lru.set(key, value)
    return value
  }

  delete(key: string): void {
    if (this.lru.delete(key)) this.stats.invalidations++
  }

  /** Drops every entry whose key starts with `prefix`. */
  invalidatePrefix(prefix: string): void {
    for (const key of [...this.lru.keys()]) if (key.startsWith(prefix)) this.delete(key)
  }

  /** Drops every entry whose value matches (for values reachable under several keys). */
  invalidateWhere(match: (value: V) => boolean): void {
    for (const [key, value] of [...this.lru.entries()]) if (match(value)) this.delete(key)
  }

  clear(): void {
    this.stats.invalidations += this.lru.size
    this.lru.clear()
  }

  get size(): number {
    return this.lru.size
  }

  snapshot(): CacheStats {
    return { ...this.stats, size: this.lru.size }
  }
}
