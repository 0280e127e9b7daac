import t from 'tap'
import { as } from '../helper.js'
import { world } from './world.js'

const { app, database, users, orgs } = await world(t)
await database.superuser.insertInto('activities').values([
  { id: '0000000001', tenant_id: 'aaaaaa', organization_id: orgs.x, entity_type: 'page', entity_id: 'p1', action: 'create', seq: 1 },
  { id: '0000000002', tenant_id: 'aaaaaa', organization_id: orgs.x, entity_type: 'page', entity_id: 'p1', action: 'update', seq: 2, changed_fields: ['title'] },
  { id: '0000000003', tenant_id: 'bbbbbb', organization_id: orgs.z, entity_type: 'attachment', entity_id: 'a1', action: 'delete', seq: 1 },
]).execute()

t.test('system admins read the change log across tenants', async (t) => {
  const res = await as(app, users.sys)('GET', '/activities')
  t.equal(res.statusCode, 200)
  t.equal(res.json().total, 3)
  t.same(res.json().items.map((a: { cursor: string }) => a.cursor), ['0000000003', '0000000002', '0000000001'], 'newest first')
  t.match(res.json().items[1], { action: 'update', changedFields: ['title'], seq: 2, entityType: 'page' })
  t.same((await as(app, users.sys)('GET', '/activities?tenantId=bbbbbb')).json().items.map((a: { cursor: string }) => a.cursor), ['0000000003'])
  t.same((await as(app, users.sys)('GET', '/activities?after=0000000001&order=asc')).json().items.map((a: { cursor: string }) => a.cursor), ['0000000002', '0000000003'])
  t.same((await as(app, users.sys)('GET', '/activities?entityType=attachment')).json().total, 1)
  t.equal((await as(app, users.sys)('GET', '/activities?limit=0')).statusCode, 400)
})

t.test('everyone else is refused', async (t) => {
  const alice = await as(app, users.alice)('GET', '/activities')
  t.equal(alice.statusCode, 403)
  t.equal(alice.json().error.type, 'no_sysadmin')
  t.equal((await as(app, undefined)('GET', '/activities')).statusCode, 401)
})
