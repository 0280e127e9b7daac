import t from 'tap'
import { as, syncOptions, testDatabase } from '../helper.js'
import { world } from './world.js'

// The sync engine is configured (so the entity cache is on) but no CDC worker runs: no change
// event can ever invalidate the cache. Only the API's own writes can.
const database = await testDatabase(t)
const { app, users } = await world(t, syncOptions(database), { database })
const alice = as(app, users.alice)

async function cachedPage(title: string) {
  const created = await alice('POST', '/aaaaaa/org-x/pages', { title })
  const url = `/aaaaaa/org-x/pages/${created.json().id}`
  t.equal((await alice('GET', url)).headers['x-cache'], 'MISS')
  t.equal((await alice('GET', url)).headers['x-cache'], 'HIT', 'the page is cached')
  return { id: created.json().id as string, url }
}

t.test('PUT then GET on the same instance returns the new row', async (t) => {
  const { url } = await cachedPage('before')
  t.equal((await alice('PUT', url, { title: 'after', status: 'published' })).statusCode, 200)
  const read = await alice('GET', url)
  t.equal(read.statusCode, 200)
  t.match(read.json(), { title: 'after', status: 'published' })
  t.equal((await alice('GET', url)).headers['x-cache'], 'HIT', 'the new row is cached again')
})

t.test('batch delete then GET returns 404', async (t) => {
  const { id, url } = await cachedPage('doomed')
  const deleted = await alice('DELETE', '/aaaaaa/org-x/pages', { ids: [id] })
  t.same(deleted.json(), { data: [{ id }], rejectedIds: [] })
  const read = await alice('GET', url)
  t.equal(read.statusCode, 404)
  t.equal(read.json().error.type, 'page_not_found')
})

t.test('a read in flight when a write commits neither caches its old row nor shares it with later reads', async (t) => {
  const cache = app.entityCache!
  const id = '00000000-0000-4000-8000-000000000001'
  const row = (title: string) => ({ id, tenant_id: 'aaaaaa', organization_id: 'org', created_by: null, title })
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const slow = cache.read('page', id, 'org', async () => { await gate; return row('old') })
  cache.invalidate('page', id)
  const fresh = cache.read('page', id, 'org', async () => row('new'))
  release()
  t.match(await slow, { row: { title: 'old' }, source: 'MISS' })
  t.match(await fresh, { row: { title: 'new' }, source: 'MISS' }, 'the later read ran its own query')
  t.match(await cache.read('page', id, 'org', async () => row('unused')), { row: { title: 'new' }, source: 'HIT' })
})
