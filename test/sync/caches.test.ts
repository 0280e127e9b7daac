import { sql } from 'kysely'
import t from 'tap'
import { as, build, eventually } from '../helper.js'
import { syncWorld } from './sync-world.js'

const root = t
const { app, database, users, sync } = await syncWorld(t)
const created = await as(app, users.alice)('POST', '/aaaaaa/org-x/attachments', { filename: 'a.txt', contentType: 'text/plain', size: 1, key: 'k' })
const attachment = created.json() as { id: string }
const url = `/aaaaaa/org-x/attachments/${attachment.id}`

t.test('miss, then hit; a hit is re-authorized', async (t) => {
  const first = await as(app, users.dave)('GET', url)
  t.equal(first.statusCode, 200)
  t.equal(first.headers['x-cache'], 'MISS')
  const second = await as(app, users.dave)('GET', url)
  t.equal(second.headers['x-cache'], 'HIT')
  t.same(second.json(), first.json())
  const viaOtherOrg = await as(app, users.bob)('GET', `/aaaaaa/org-y/attachments/${attachment.id}`)
  t.equal(viaOtherOrg.statusCode, 404, 'a cached row of org X is not served under org Y')
})

t.test('hits answer each caller with their own rights (the written answer is per set of rights)', async (t) => {
  const canOf = async (user: typeof users.alice) => {
    const list = (await as(app, user)('GET', '/aaaaaa/org-x/attachments?limit=100')).json() as { items: Array<{ id: string; can: object }> }
    return list.items.find((item) => item.id === attachment.id)!.can
  }
  const answers = []
  for (const user of [users.dave, users.alice, users.dave, users.alice]) {
    const res = await as(app, user)('GET', url)
    t.equal(res.headers['x-cache'], 'HIT')
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    const { can, ...dto } = res.json() as { can: object }
    t.same(can, await canOf(user), 'the rights a fresh read computes')
    answers.push(dto)
  }
  t.notSame(await canOf(users.dave), await canOf(users.alice), 'the two callers have different rights')
  for (const dto of answers) t.same(dto, answers[0], 'the same entity for both')
})

t.test('a membership removed after caching: no read', async (t) => {
  t.equal((await as(app, users.dave)('GET', url)).headers['x-cache'], 'HIT')
  const members = (await as(app, users.alice)('GET', '/aaaaaa/org-x/memberships/members?q=dave')).json()
  await as(app, users.alice)('DELETE', '/aaaaaa/org-x/memberships', { ids: [members.items[0].membership.id] })
  const after = await as(app, users.dave)('GET', url)
  t.equal(after.statusCode, 403)
  t.notOk(after.body.includes('a.txt'), 'nothing of the entity leaks')
})

t.test('a change made with plain SQL invalidates the entry', async (t) => {
  t.equal((await as(app, users.alice)('GET', url)).headers['x-cache'], 'HIT')
  await sql`update attachments set filename = 'renamed.txt' where id = ${attachment.id}`.execute(database.superuser)
  await eventually(async () => (await as(app, users.alice)('GET', url)).json().filename === 'renamed.txt', 10_000, 'the fresh row')
  t.pass('the cache served the new row after the change streamed in')
})

t.test('concurrent identical reads share one query', async (t) => {
  app.entityCache!.cache.clear()
  const results = await Promise.all(Array.from({ length: 10 }, () => as(app, users.alice)('GET', url)))
  const sources = results.map((r) => r.headers['x-cache']).sort()
  t.equal(sources.filter((s) => s === 'MISS').length, 1, 'one query')
  t.equal(sources.filter((s) => s === 'COALESCED').length, 9, 'nine shared it')
  t.ok(results.every((r) => r.statusCode === 200 && r.json().id === attachment.id))
})

t.test('guard caches are invalidated across instances: sign-out on A ends the session on B', async (t) => {
  const { app: b } = await build(root, sync, { database })
  t.equal((await as(b, users.carol)('GET', '/me')).statusCode, 200, 'B caches the session')
  t.equal((await as(app, users.carol)('POST', '/auth/sign-out')).statusCode, 204)
  await eventually(async () => (await as(b, users.carol)('GET', '/me')).statusCode === 401, 5_000, 'B to forget the session')
  t.pass('B refuses the signed-out session')
})

t.test('/metrics exposes cache counters', async (t) => {
  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /cache_operations\{cache="entity",kind="hits"\} [1-9]/)
  t.match(metrics.body, /cache_operations\{cache="session",kind="invalidations"\} \d+/)
})
