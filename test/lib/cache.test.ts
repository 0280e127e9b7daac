import t from 'tap'
import { Cache } from '../../lib/cache.js'
import { SingleFlight } from '../../lib/singleflight.js'

t.test('LRU eviction and counters', async (t) => {
  const cache = new Cache<string>({ name: 'lru', max: 2 })
  cache.set('a', '1')
  cache.set('b', '2')
  t.equal(cache.get('a'), '1', 'a is used, so b is now the least recent')
  cache.set('c', '3')
  t.equal(cache.get('b'), undefined, 'b was evicted')
  t.equal(cache.get('c'), '3')
  t.same(cache.snapshot(), { hits: 2, misses: 1, evictions: 1, invalidations: 0, size: 2 })
})

t.test('TTL expiry', async (t) => {
  const cache = new Cache<string>({ name: 'ttl', max: 10, ttlMs: 40 })
  cache.set('k', 'v')
  t.equal(cache.get('k'), 'v')
  await new Promise((resolve) => setTimeout(resolve, 80))
  t.equal(cache.get('k'), undefined, 'expired')
  t.equal(cache.snapshot().misses, 1)
})

t.test('prefix and predicate invalidation', async (t) => {
  const cache = new Cache<{ id: string }>({ name: 'p', max: 10 })
  cache.set('page:1', { id: '1' })
  cache.set('page:2', { id: '2' })
  cache.set('attachment:1', { id: '1' })
  cache.invalidatePrefix('page:')
  t.equal(cache.size, 1)
  t.ok(cache.get('attachment:1'))
  cache.set('org:a', { id: 'x' })
  cache.set('org:b', { id: 'x' })
  cache.invalidateWhere((v) => v.id === 'x')
  t.equal(cache.size, 1, 'both keys of the same value are gone')
  cache.clear()
  t.equal(cache.size, 0)
  t.equal(cache.snapshot().invalidations, 5)
})

t.test('singleflight: one execution for concurrent calls, shared errors, clean afterwards', async (t) => {
  const flights = new SingleFlight<number>()
  let runs = 0
  let release!: (n: number) => void
  const work = () => { runs++; return new Promise<number>((resolve) => { release = resolve }) }
  const calls = [flights.run('k', work), flights.run('k', work), flights.run('k', work)]
  t.equal(flights.size, 1)
  release(42)
  const results = await Promise.all(calls)
  t.equal(runs, 1, 'one execution')
  t.same(results.map((r) => r.value), [42, 42, 42])
  t.same(results.map((r) => r.coalesced), [false, true, true])
  t.equal(flights.size, 0, 'cleaned up after success')

  const failing = () => { runs++; return Promise.reject(new Error('boom')) }
  const failures = await Promise.allSettled([flights.run('e', failing), flights.run('e', failing)])
  t.ok(failures.every((f) => f.status === 'rejected' && (f.reason as Error).message === 'boom'), 'every waiter gets the error')
  t.equal(flights.size, 0, 'cleaned up after failure')
  await flights.run('e', async () => { runs++; return 1 })
  t.equal(runs, 3, 'a later call runs again')
})

t.test('load: the miss path remembers what it finds, and nothing for a miss', async (t) => {
  const cache = new Cache<string>({ name: 'load', max: 10 })
  let calls = 0
  const loader = (value: string | undefined) => async () => { calls++; return value }
  t.equal(await cache.load('a', loader('1')), '1')
  t.equal(cache.get('a'), '1', 'found: remembered')
  t.equal(await cache.load('b', loader(undefined)), undefined)
  t.equal(cache.get('b'), undefined, 'not found: not remembered')
  t.equal(calls, 2)
})
