import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { as, build, makeSystemAdmin, signUp } from '../helper.js'
import { world } from '../routes/world.js'

/** Routes behind the tenant and org guards, reading through the request's RLS transaction. */
function probeRoutes(app: FastifyInstance) {
  app.get('/probe/:tenantId/organizations', { config: { guards: ['auth', 'tenant'] } }, async (request) => ({
    organizations: (await request.db.selectFrom('organizations').select('slug').orderBy('slug').execute()).map((o) => o.slug),
  }))
  app.get('/probe/:tenantId/:orgId/pages', { config: { guards: ['auth', 'tenant', 'org'] } }, async (request) => ({
    organization: request.organization!.slug,
    role: request.membership?.role ?? null,
    pages: (await request.db.selectFrom('pages').select('title').where('organization_id', '=', request.organization!.id)
      .orderBy('title').execute()).map((p) => p.title),
  }))
}

// alice admin of X and dave member of X (tenant A), bob admin of Y (A), carol admin of Z (tenant B)
const { app, database, users, orgs } = await world(t, {}, { routes: probeRoutes })
const { alice, dave, carol, sys } = users
await database.superuser.insertInto('pages').values([
  { id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, title: 'x page' },
  { id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.y, title: 'y page' },
  { id: uuid(), tenant_id: 'bbbbbb', organization_id: orgs.z, title: 'z page' },
]).execute()

t.test('tenant guard', async (t) => {
  const mine = await as(app, alice)('GET', '/probe/aaaaaa/organizations')
  t.equal(mine.statusCode, 200)
  t.same(mine.json().organizations, ['org-x', 'org-y'], 'a member sees the organizations of their tenant')
  const foreign = await as(app, alice)('GET', '/probe/bbbbbb/organizations')
  t.equal(foreign.statusCode, 403, 'a member of tenant A calling tenant B')
  t.equal(foreign.json().error.type, 'forbidden')
  const unknown = await as(app, alice)('GET', '/probe/zzzzzz/organizations')
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.type, 'tenant_not_found')
  const malformed = await as(app, alice)('GET', '/probe/NOT-A-TENANT/organizations')
  t.equal(malformed.statusCode, 404)
  t.equal((await as(app, undefined)('GET', '/probe/aaaaaa/organizations')).statusCode, 401, 'auth comes first')
})

t.test('org guard', async (t) => {
  const bySlug = await as(app, dave)('GET', '/probe/aaaaaa/org-x/pages')
  t.equal(bySlug.statusCode, 200)
  t.same(bySlug.json(), { organization: 'org-x', role: 'member', pages: ['x page'] })
  const byId = await as(app, alice)('GET', `/probe/aaaaaa/${orgs.x}/pages`)
  t.same(byId.json().pages, ['x page'], 'the org guard accepts an id')
  const sibling = await as(app, alice)('GET', '/probe/aaaaaa/org-y/pages')
  t.equal(sibling.statusCode, 403, 'not a member of the sibling org')
  const otherTenantsOrg = await as(app, alice)('GET', `/probe/aaaaaa/${orgs.z}/pages`)
  t.equal(otherTenantsOrg.statusCode, 404, 'an org of another tenant under my tenant id')
  t.equal(otherTenantsOrg.json().error.type, 'organization_not_found')
  const carolSneaks = await as(app, carol)('GET', `/probe/bbbbbb/${orgs.x}/pages`)
  t.equal(carolSneaks.statusCode, 404, "tenant B's admin cannot reach A's org through B")
})

t.test('suspended and archived tenants', async (t) => {
  for (const status of ['suspended', 'archived'] as const) {
    t.equal((await as(app, sys)('PATCH', '/tenants/aaaaaa', { status })).statusCode, 200)
    const res = await as(app, alice)('GET', '/probe/aaaaaa/org-x/pages')
    t.equal(res.statusCode, 403, status)
    t.equal(res.json().error.type, 'tenant_suspended')
    // To the public, an inactive tenant is one that does not exist: the same answer, word for word.
    const withoutId = async (url: string) => {
      const res = await app.inject(url)
      const { requestId: _requestId, ...error } = res.json().error
      return [res.statusCode, error]
    }
    t.same(await withoutId('/public/aaaaaa/pages'), await withoutId('/public/zzzzzz/pages'), `${status}: public answer as for no tenant`)
    t.same(await withoutId('/public/zzzzzz/pages'), [404, { status: 404, type: 'tenant_not_found', message: 'Tenant not found', severity: 'info', entityType: 'tenant' }])
  }
  await as(app, sys)('PATCH', '/tenants/aaaaaa', { status: 'active' })
  t.equal((await as(app, alice)('GET', '/probe/aaaaaa/org-x/pages')).statusCode, 200, 'active again')
})

t.test('system admins pass tenant and org guards everywhere; others get no_sysadmin', async (t) => {
  const z = await as(app, sys)('GET', '/probe/bbbbbb/org-z/pages')
  t.equal(z.statusCode, 200)
  t.same(z.json(), { organization: 'org-z', role: null, pages: ['z page'] })
  t.equal((await as(app, sys)('GET', '/probe/aaaaaa/org-y/pages')).json().pages[0], 'y page')
  const list = await as(app, alice)('GET', '/tenants')
  t.equal(list.statusCode, 403)
  t.equal(list.json().error.type, 'no_sysadmin')
  t.equal((await as(app, sys)('GET', '/tenants')).statusCode, 200)
})

t.test('tenant management (multi mode)', async (t) => {
  const created = await as(app, sys)('POST', '/tenants', { name: 'Gamma' })
  t.equal(created.statusCode, 201)
  t.match(created.json().id, /^[a-z0-9]{6}$/)
  const id = created.json().id
  t.equal((await as(app, sys)('PATCH', `/tenants/${id}`, { status: 'suspended' })).json().status, 'suspended')
  t.equal((await as(app, sys)('PATCH', `/tenants/${id}`, {})).statusCode, 400, 'an empty patch is refused')
  t.equal((await as(app, sys)('DELETE', `/tenants/${id}`)).json().status, 'archived')
  t.equal((await as(app, sys)('GET', '/tenants/zzzzzz')).statusCode, 404)
  const listed = await as(app, sys)('GET', '/tenants?q=Gamma')
  t.same(listed.json().items.map((x: { id: string }) => x.id), [id])
  t.equal(listed.json().total, 1, 'the total counts the matches')
  const paged = (await as(app, sys)('GET', '/tenants?limit=1')).json()
  t.same([paged.items.length, paged.total], [1, 3], 'the total ignores the page: A, B and Gamma')
  t.equal((await as(app, sys)('GET', '/tenants?limit=5000')).statusCode, 400, 'limit over 1000 is refused')
  t.equal((await as(app, alice)('POST', '/tenants', { name: 'Nope' })).statusCode, 403)
  const count = await database.superuser.selectFrom('tenants').select('id').where('name', '=', 'Nope').execute()
  t.equal(count.length, 0, 'nothing was written')
})

t.test('cross-tenant: /me/memberships lists my memberships in every tenant', async (t) => {
  await database.superuser.insertInto('memberships').values({ id: uuid(), tenant_id: 'bbbbbb', organization_id: orgs.z, user_id: alice.user.id, role: 'member' }).execute()
  const res = await as(app, alice)('GET', '/me/memberships')
  t.equal(res.statusCode, 200)
  t.same(res.json().items.map((m: { tenantId: string }) => m.tenantId).sort(), ['aaaaaa', 'bbbbbb'])
  const carols = await as(app, carol)('GET', '/me/memberships')
  t.same(carols.json().items.map((m: { organizationSlug: string }) => m.organizationSlug), ['org-z'], 'only my own')
})

t.test('a guard chain out of order refuses to register', async (t) => {
  await t.rejects(build(t, {}, {
    database: false,
    routes: (app) => { app.get('/bad/:tenantId', { config: { guards: ['tenant', 'auth'] } }, async () => 'x') },
  }), /'tenant' needs 'auth' before it/)
})

t.test('route table: every route declares guards; unauthenticated calls to non-public routes → 401', async (t) => {
  const { app: full, routes } = await build(t, { tenancy: 'multi' }, { database })
  const ours = routes.filter((r) => r.config?.guards)
  t.ok(ours.length >= 10, `${ours.length} routes`)
  for (const route of ours) {
    const guards = route.config!.guards!
    if (guards.includes('public')) continue
    const url = route.url.replace(':tenantId', 'aaaaaa').replace(/:\w+/g, uuid())
    for (const method of [route.method].flat().filter((m) => m !== 'HEAD')) {
      const res = await full.inject({ method: method as 'GET', url, payload: method === 'GET' ? undefined : {} })
      t.equal(res.statusCode, 401, `${method} ${route.url} without a session → 401`)
    }
  }
})

t.test('single-tenant mode: tenant main exists, /tenants is absent', async (t) => {
  const { app: single, db: singleDb } = await build(t, { tenancy: 'single' })
  const main = await singleDb!.superuser.selectFrom('tenants').selectAll().where('id', '=', 'main').executeTakeFirst()
  t.equal(main?.status, 'active')
  const user = await signUp(single, 'solo@example.com')
  await makeSystemAdmin(singleDb!, user.user.id)
  t.equal((await as(single, user)('GET', '/tenants')).statusCode, 404, 'no /tenants routes')
})
