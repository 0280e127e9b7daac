import t from 'tap'
import { v7 as uuid } from 'uuid'
import { as } from '../helper.js'
import { world } from './world.js'

const { app, database, users, orgs } = await world(t)
const orgCount = async () => (await database.superuser.selectFrom('organizations').select('id').execute()).length

t.test('create: the creator becomes admin in the same transaction', async (t) => {
  const res = await as(app, users.alice)('POST', '/aaaaaa/organizations', { name: 'New Lab', slug: 'new-lab' })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { name: 'New Lab', slug: 'new-lab', tenantId: 'aaaaaa', createdBy: users.alice.user.id })
  t.equal(res.json().membership.role, 'admin')
  t.same(res.json().can, { create: true, read: true, update: true, delete: true })
  const membership = await database.superuser.selectFrom('memberships').selectAll().where('organization_id', '=', res.json().id).execute()
  t.same(membership.map((m) => [m.user_id, m.role]), [[users.alice.user.id, 'admin']])

  const before = await orgCount()
  const dup = await as(app, users.dave)('POST', '/aaaaaa/organizations', { name: 'Again', slug: 'new-lab' })
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().error.type, 'resource_already_exists')
  t.equal((await as(app, users.alice)('POST', '/aaaaaa/organizations', { name: 'Bad', slug: 'Bad Slug' })).statusCode, 400)
  t.equal((await as(app, users.eve)('POST', '/aaaaaa/organizations', { name: 'Eve', slug: 'eve-org' })).statusCode, 403, 'no membership in the tenant')
  t.equal((await as(app, users.carol)('POST', '/aaaaaa/organizations', { name: 'C', slug: 'carol-org' })).statusCode, 403, 'member of another tenant')
  t.equal(await orgCount(), before, 'failed attempts wrote nothing')
  t.equal((await as(app, users.sys)('POST', '/bbbbbb/organizations', { name: 'Sys', slug: 'sys-org' })).statusCode, 201, 'system admins create anywhere')
})

t.test('GET /organizations: mine in every tenant', async (t) => {
  await database.superuser.insertInto('memberships').values({ id: uuid(), tenant_id: 'bbbbbb', organization_id: orgs.z, user_id: users.dave.user.id, role: 'member' }).execute()
  const res = await as(app, users.dave)('GET', '/organizations')
  t.equal(res.statusCode, 200)
  t.same(res.json().items.map((o: { slug: string }) => o.slug).sort(), ['org-x', 'org-z'])
  t.equal(res.json().total, 2)
  t.same((await as(app, users.eve)('GET', '/organizations')).json(), { items: [], total: 0 })
})

t.test('GET one by id or slug with membership and can', async (t) => {
  const bySlug = await as(app, users.dave)('GET', '/aaaaaa/organizations/org-x')
  t.equal(bySlug.statusCode, 200)
  t.equal(bySlug.json().membership.role, 'member')
  t.same(bySlug.json().can, { create: false, read: true, update: false, delete: false })
  const byId = await as(app, users.alice)('GET', `/aaaaaa/organizations/${orgs.x}`)
  t.equal(byId.json().slug, 'org-x')
  t.equal(byId.json().can.update, true)
  t.equal((await as(app, users.bob)('GET', '/aaaaaa/organizations/org-x')).statusCode, 403, 'not a member')
  t.equal((await as(app, users.carol)('GET', '/aaaaaa/organizations/org-x')).statusCode, 403, 'another tenant')
  t.equal((await as(app, users.alice)('GET', '/aaaaaa/organizations/org-z')).statusCode, 404, "another tenant's org")
  const sys = await as(app, users.sys)('GET', '/bbbbbb/organizations/org-z')
  t.equal(sys.statusCode, 200)
  t.equal(sys.json().membership, null)
})

t.test('update: admins only', async (t) => {
  const denied = await as(app, users.dave)('PUT', '/aaaaaa/org-x', { name: 'Hijacked' })
  t.equal(denied.statusCode, 403, 'the alias path')
  t.equal((await as(app, users.dave)('PUT', '/aaaaaa/organizations/org-x', { name: 'Hijacked' })).statusCode, 403, 'the contract path')
  const ok = await as(app, users.alice)('PUT', '/aaaaaa/organizations/org-x', { name: 'X Renamed' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().name, 'X Renamed')
  const row = await database.superuser.selectFrom('organizations').select('name').where('id', '=', orgs.x).executeTakeFirstOrThrow()
  t.equal(row.name, 'X Renamed')
  t.equal((await as(app, users.alice)('PUT', '/aaaaaa/org-x', {})).statusCode, 400)
  t.equal((await as(app, users.carol)('PUT', `/bbbbbb/${orgs.x}`, { name: 'C' })).statusCode, 404)
})

t.test('batch delete: only where I am admin', async (t) => {
  const res = await as(app, users.alice)('DELETE', '/aaaaaa/organizations', { ids: [orgs.x, orgs.y] })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { data: [{ id: orgs.x }], rejectedIds: [orgs.y] })
  const left = (await database.superuser.selectFrom('organizations').select('id').execute()).map((o) => o.id)
  t.notOk(left.includes(orgs.x))
  t.ok(left.includes(orgs.y), 'Y survives')
  const pagesLeft = await database.superuser.selectFrom('memberships').select('id').where('organization_id', '=', orgs.x).execute()
  t.equal(pagesLeft.length, 0, 'its memberships went with it')
})
