import t from 'tap'
import { v7 as uuid } from 'uuid'
import { as, build } from '../helper.js'
import { world } from './world.js'

const w = await world(t)
const { app, database, users, orgs } = w
const alice = as(app, users.alice)
const dave = as(app, users.dave)
const pagesOf = (org: string) => database.superuser.selectFrom('pages').selectAll().where('organization_id', '=', org).execute()

t.test('create: 201 with can, validation, and the row in tenant A', async (t) => {
  const res = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Hello', content: 'World', status: 'published', publicAccess: true })
  t.equal(res.statusCode, 201)
  const page = res.json()
  t.match(page, { title: 'Hello', content: 'World', status: 'published', publicAccess: true, tenantId: 'aaaaaa', organizationId: orgs.x, createdBy: users.alice.user.id })
  t.same(page.can, { create: true, read: true, update: true, delete: true })
  const rows = await pagesOf(orgs.x)
  t.equal(rows.length, 1)
  t.equal(rows[0]!.tenant_id, 'aaaaaa')

  const empty = await alice('POST', '/aaaaaa/org-x/pages', { title: '' })
  t.equal(empty.statusCode, 400)
  t.match(empty.json().error.message, /body\.title/)
  const badStatus = await alice('POST', '/aaaaaa/org-x/pages', { title: 'x', status: 'deleted' })
  t.equal(badStatus.statusCode, 400)
  t.match(badStatus.json().error.message, /body\.status/)
  t.equal((await pagesOf(orgs.x)).length, 1, 'failed requests wrote nothing')
})

t.test('the wrong tenant, organization or role cannot write', async (t) => {
  const attempts = [
    ['bob, admin of a sibling org', as(app, users.bob), '/aaaaaa/org-x/pages', 403],
    ['carol, of another tenant', as(app, users.carol), '/aaaaaa/org-x/pages', 403],
    ['carol through her own tenant', as(app, users.carol), `/bbbbbb/${orgs.x}/pages`, 404],
    ['eve, without any membership', as(app, users.eve), '/aaaaaa/org-x/pages', 403],
    ['nobody signed in', as(app, undefined), '/aaaaaa/org-x/pages', 401],
  ] as const
  for (const [who, client, url, status] of attempts) {
    const res = await client('POST', url, { title: `by ${who}` })
    t.equal(res.statusCode, status, who)
  }
  const titles = (await database.superuser.selectFrom('pages').select('title').execute()).map((p) => p.title)
  t.notOk(titles.some((title) => title.startsWith('by ')), 'nothing was written anywhere')
})

t.test('list: pagination, sort, search, filter, validation', async (t) => {
  for (const title of ['Alpha', 'Beta', 'Gamma 100%']) {
    await dave('POST', '/aaaaaa/org-x/pages', { title, status: title === 'Beta' ? 'published' : 'draft' })
  }
  const all = await dave('GET', '/aaaaaa/org-x/pages?sort=title')
  t.equal(all.statusCode, 200)
  t.equal(all.json().total, 4)
  t.same(all.json().items.map((p: { title: string }) => p.title), ['Alpha', 'Beta', 'Gamma 100%', 'Hello'])
  const page2 = await dave('GET', '/aaaaaa/org-x/pages?sort=title&order=desc&limit=2&offset=1')
  t.same(page2.json().items.map((p: { title: string }) => p.title), ['Gamma 100%', 'Beta'])
  t.equal(page2.json().total, 4, 'total ignores paging')
  t.same((await dave('GET', '/aaaaaa/org-x/pages?offset=10')).json(), { items: [], total: 4 }, 'past the end the total is still right')
  t.same((await dave('GET', '/aaaaaa/org-x/pages?q=100%25')).json().items.map((p: { title: string }) => p.title), ['Gamma 100%'], '% is literal')
  t.same((await dave('GET', '/aaaaaa/org-x/pages?status=published&sort=title')).json().items.map((p: { title: string }) => p.title), ['Beta', 'Hello'])
  // Each query shape is compiled once: a second request of a shape binds its own values.
  const titles = async (query: string) => {
    const { items, total } = (await dave('GET', `/aaaaaa/org-x/pages?${query}`)).json() as { items: Array<{ title: string }>; total: number }
    return { titles: items.map((p) => p.title), total }
  }
  t.same(await titles('status=draft&sort=title'), { titles: ['Alpha', 'Gamma 100%'], total: 2 }, 'the same shape with another filter value')
  t.same(await titles('q=a&status=draft&sort=title&limit=1&offset=1'), { titles: ['Gamma 100%'], total: 2 }, 'search and filter together, paged')
  t.same(await titles('q=e&status=published&sort=title&limit=1'), { titles: ['Beta'], total: 2 }, 'the same shape with other values')
  t.same(await titles('sort=title&limit=1&offset=3'), { titles: ['Hello'], total: 4 })
  for (const [query, field] of [['limit=0', 'limit'], ['limit=1001', 'limit'], ['offset=-1', 'offset'], ['sort=nope', 'sort'], ['order=up', 'order'], ['status=gone', 'status']] as const) {
    const res = await dave('GET', `/aaaaaa/org-x/pages?${query}`)
    t.equal(res.statusCode, 400, query!)
    t.match(res.json().error.message, new RegExp(`querystring\\.${field}`), `${query} names ${field}`)
  }
  t.equal((await dave('GET', '/aaaaaa/org-x/pages')).json().items.length, 4, 'limit defaults to 40')
  const bobs = await as(app, users.bob)('GET', '/aaaaaa/org-y/pages')
  t.same(bobs.json(), { items: [], total: 0 }, "another org's list does not leak X")
})

t.test('read and update; members update, only owners and admins delete', async (t) => {
  const [alicesPage] = await pagesOf(orgs.x).then((rows) => rows.filter((p) => p.title === 'Hello'))
  const read = await dave('GET', `/aaaaaa/org-x/pages/${alicesPage!.id}`)
  t.equal(read.statusCode, 200)
  t.same(read.json().can, { create: true, read: true, update: true, delete: false }, "a member cannot delete another's page")
  t.equal((await dave('GET', `/aaaaaa/org-x/pages/${uuid()}`)).statusCode, 404)
  t.equal((await dave('GET', '/aaaaaa/org-x/pages/not-a-uuid')).statusCode, 400)
  t.equal((await as(app, users.bob)('GET', `/aaaaaa/org-y/pages/${alicesPage!.id}`)).statusCode, 404, 'not through another org')

  const updated = await dave('PUT', `/aaaaaa/org-x/pages/${alicesPage!.id}`, { title: 'Hello again' })
  t.equal(updated.statusCode, 200)
  t.equal(updated.json().title, 'Hello again')
  t.equal((await dave('PUT', `/aaaaaa/org-x/pages/${alicesPage!.id}`, {})).statusCode, 400, 'an empty update is refused')

  const mine = (await dave('POST', '/aaaaaa/org-x/pages', { title: 'Mine' })).json()
  const removal = await dave('DELETE', '/aaaaaa/org-x/pages', { ids: [alicesPage!.id, mine.id, uuid()] })
  t.equal(removal.statusCode, 200)
  t.same(removal.json().data, [{ id: mine.id }])
  t.equal(removal.json().rejectedIds.length, 2)
  t.ok(removal.json().rejectedIds.includes(alicesPage!.id))
  t.ok((await pagesOf(orgs.x)).some((p) => p.id === alicesPage!.id), "alice's page survived")
  const byAdmin = await alice('DELETE', '/aaaaaa/org-x/pages', { ids: [alicesPage!.id] })
  t.same(byAdmin.json(), { data: [{ id: alicesPage!.id }], rejectedIds: [] })
  t.equal((await dave('DELETE', '/aaaaaa/org-x/pages', { ids: [] })).statusCode, 400, 'ids must not be empty')
  t.equal((await dave('DELETE', '/aaaaaa/org-x/pages', { ids: ['x'] })).statusCode, 400, 'ids are uuids')
})

t.test('attachments share the same contract', async (t) => {
  const created = await dave('POST', '/aaaaaa/org-x/attachments', { filename: 'a.png', contentType: 'image/png', size: 12, key: 'k/a.png' })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { filename: 'a.png', contentType: 'image/png', size: 12, key: 'k/a.png' })
  t.equal((await dave('POST', '/aaaaaa/org-x/attachments', { filename: 'a', contentType: 'nope', size: 1, key: 'k' })).statusCode, 400)
  t.equal((await dave('POST', '/aaaaaa/org-x/attachments', { filename: 'a', contentType: 'a/b', size: -1, key: 'k' })).statusCode, 400)
  t.equal((await as(app, users.bob)('POST', '/aaaaaa/org-x/attachments', { filename: 'b', contentType: 'a/b', size: 1, key: 'k' })).statusCode, 403)
  const list = await alice('GET', '/aaaaaa/org-x/attachments?sort=size')
  t.equal(list.json().total, 1)
  t.same(list.json().items[0].can, { create: true, read: true, update: true, delete: true })
  const renamed = await alice('PUT', `/aaaaaa/org-x/attachments/${created.json().id}`, { filename: 'b.png' })
  t.equal(renamed.json().filename, 'b.png')
  t.equal((await as(app, users.carol)('GET', `/aaaaaa/org-x/attachments/${created.json().id}`)).statusCode, 403)
})

t.test('public reads: only published pages with public access, of that tenant', async (t) => {
  const combos = []
  for (const status of ['draft', 'published', 'archived'] as const) {
    for (const publicAccess of [true, false]) {
      const id = uuid()
      combos.push({ id, status, publicAccess })
      await database.superuser.insertInto('pages').values({
        id, tenant_id: 'aaaaaa', organization_id: orgs.y, title: `${status}/${publicAccess}`, status, public_access: publicAccess,
      }).execute()
    }
  }
  const visible = combos.filter((c) => c.status === 'published' && c.publicAccess)
  for (const combo of combos) {
    const res = await app.inject({ method: 'GET', url: `/public/aaaaaa/pages/${combo.id}` })
    t.equal(res.statusCode, combo.status === 'published' && combo.publicAccess ? 200 : 404, `${combo.status}, public ${combo.publicAccess}`)
  }
  const list = await app.inject({ method: 'GET', url: '/public/aaaaaa/pages' })
  t.equal(list.statusCode, 200)
  const listed = list.json().items.map((p: { id: string }) => p.id)
  t.ok(visible.every((v) => listed.includes(v.id)), 'the published public page is listed')
  t.ok(list.json().items.every((p: { status: string; publicAccess: boolean }) => p.status === 'published' && p.publicAccess), 'nothing else is')
  t.equal((await app.inject({ method: 'GET', url: `/public/bbbbbb/pages/${visible[0]!.id}` })).statusCode, 404, 'not through another tenant')
  t.same((await app.inject({ method: 'GET', url: '/public/bbbbbb/pages' })).json(), { items: [], total: 0 })
  t.equal((await app.inject({ method: 'GET', url: '/public/zzzzzz/pages' })).statusCode, 404, 'unknown tenant')
  t.equal((await app.inject({ method: 'GET', url: '/public/aaaaaa/pages?limit=9999' })).statusCode, 400)

  const { app: closed } = await build(t, { publicAccess: false }, { database })
  t.notOk(closed.hasRoute({ method: 'GET', url: '/public/:tenantId/pages' }), 'publicAccess: false registers no public routes')
  t.not((await closed.inject({ method: 'GET', url: '/public/aaaaaa/pages' })).statusCode, 200, 'and serves no public page')
})
