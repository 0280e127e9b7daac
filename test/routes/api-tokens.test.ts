import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { sha256 } from '../../lib/secrets.js'
import { as, build, eventually, type SignedIn, syncOptions, testDatabase } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from '../sync/sync-world.js'
import { world } from './world.js'

// Personal API tokens (issue 14): shown once, only the hash stored, `Authorization: Bearer` on
// every route a session may use (streams included), tenant scope, expiry, revocation everywhere.

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** A bearer request with no cookie and no Origin: a Node client. */
const withToken = (app: FastifyInstance, token: string) =>
  (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })

async function createToken(app: FastifyInstance, who: SignedIn, body: Record<string, unknown> = { name: 'cli' }) {
  const res = await as(app, who)('POST', '/me/tokens', body)
  if (res.statusCode !== 201) throw new Error(`token creation failed: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; token: string; name: string; tenantId: string | null; expiresAt: string | null }
}

t.test('create, list, use without Origin; only the hash is stored', async (t) => {
  const { app, database, users } = await world(t)
  const created = await createToken(app, users.alice, { name: 'ci', expiresAt: '2099-01-01T00:00:00Z' })
  t.match(created, { name: 'ci', tenantId: null, expiresAt: '2099-01-01T00:00:00.000Z', token: /^strata_pat_[A-Za-z0-9_-]{43}$/ })

  const rows = await database.superuser.selectFrom('api_tokens').selectAll().execute()
  t.equal(rows.length, 1)
  t.equal(rows[0]!.secret, sha256(created.token), 'the table keeps the sha256')
  t.notOk(JSON.stringify(rows).includes(created.token), 'never the token itself')

  const list = await as(app, users.alice)('GET', '/me/tokens')
  t.equal(list.statusCode, 200)
  t.match(list.json(), { items: [{ id: created.id, name: 'ci', tenantId: null, lastUsedAt: null }], total: 1 })
  t.notOk(list.body.includes(created.token) || list.body.includes(sha256(created.token)), 'the list shows no secret')
  t.notOk('token' in list.json().items[0], 'no token field')

  const alice = withToken(app, created.token)
  const me = await alice('GET', '/me')
  t.equal(me.statusCode, 200, 'GET /me with the bearer token')
  t.equal(me.json().user.id, users.alice.user.id)
  t.equal((await alice('GET', '/aaaaaa/org-x/pages')).statusCode, 200, 'a tenant route')
  const page = await alice('POST', '/aaaaaa/org-x/pages', { title: 'From CI' })
  t.equal(page.statusCode, 201, 'a mutation without Origin: a bearer token is no ambient authority')
  t.equal((await alice('PUT', '/me', { name: 'Alice CI' })).statusCode, 200)
  t.not((await as(app, users.alice)('GET', '/me/tokens')).json().items[0].lastUsedAt, null, 'last use recorded')

  const cookieNoOrigin = await app.inject({ method: 'POST', url: '/aaaaaa/org-x/pages', headers: { cookie: users.alice.cookie }, payload: { title: 'x' } })
  t.equal(cookieNoOrigin.statusCode, 403, 'a cookie mutation without Origin is still refused')
  t.equal(cookieNoOrigin.json().error.type, 'csrf_origin_mismatch')
  const both = await app.inject({ method: 'POST', url: '/aaaaaa/org-x/pages', headers: { cookie: users.alice.cookie, ...bearer(created.token) }, payload: { title: 'x' } })
  t.equal(both.statusCode, 403, 'cookie and bearer together: checked as a cookie request')

  t.equal((await alice('GET', '/bbbbbb/org-z/pages')).statusCode, 403, 'the token has its user\'s rights, no more')
  t.equal((await alice('POST', '/me/tokens', { name: 'successor' })).json().error.type, 'session_required', 'a token cannot mint tokens')
  t.equal((await alice('DELETE', `/me/tokens/${created.id}`)).statusCode, 403, 'nor revoke them')

  const bad = await withToken(app, `strata_pat_${'A'.repeat(43)}`)('GET', '/me')
  t.equal(bad.statusCode, 401)
  t.match(bad.json(), { error: { status: 401, type: 'unauthorized', requestId: String } })
  t.equal((await withToken(app, 'not-a-token')('GET', '/me')).statusCode, 401)
  t.equal((await as(app, users.bob)('DELETE', `/me/tokens/${created.id}`)).statusCode, 404, 'another user cannot revoke it')
})

t.test('validation: expiry in the past, unknown tenant', async (t) => {
  const { app, users } = await world(t)
  const past = await as(app, users.alice)('POST', '/me/tokens', { name: 'x', expiresAt: '2000-01-01T00:00:00Z' })
  t.equal(past.statusCode, 400)
  t.equal((await as(app, users.alice)('POST', '/me/tokens', { name: 'x', tenantId: 'zzzzzz' })).statusCode, 404)
  t.equal((await as(app, users.alice)('POST', '/me/tokens', { name: '' })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/me/tokens', payload: { name: 'x' } })).statusCode, 401)
})

t.test('a tenant-scoped token acts in its tenant only', async (t) => {
  const { app, database, users, orgs } = await world(t)
  // carol: admin of Z in tenant B, and a member of X in tenant A too.
  await database.superuser.insertInto('memberships')
    .values({ id: randomUUID(), tenant_id: 'aaaaaa', organization_id: orgs.x, user_id: users.carol.user.id, role: 'member' }).execute()
  const all = await createToken(app, users.carol)
  const scoped = await createToken(app, users.carol, { name: 'B only', tenantId: 'bbbbbb' })
  t.equal(scoped.tenantId, 'bbbbbb')
  const carol = withToken(app, scoped.token)
  t.equal((await carol('GET', '/bbbbbb/org-z/pages')).statusCode, 200, 'its tenant')
  const elsewhere = await carol('GET', '/aaaaaa/org-x/pages')
  t.equal(elsewhere.statusCode, 403, 'another tenant')
  t.equal(elsewhere.json().error.type, 'token_scope')
  t.equal((await carol('GET', '/me')).statusCode, 200, 'the user itself')
  const orgsSeen = (await carol('GET', '/organizations')).json().items.map((o: { tenantId: string }) => o.tenantId)
  t.same([...new Set(orgsSeen)], ['bbbbbb'], 'cross-tenant lists show its tenant only')
  const memberships = (await carol('GET', '/me/memberships')).json().items.map((m: { tenantId: string }) => m.tenantId)
  t.same([...new Set(memberships)], ['bbbbbb'])
  const unscoped = (await withToken(app, all.token)('GET', '/me/memberships')).json().items.map((m: { tenantId: string }) => m.tenantId)
  t.same([...new Set(unscoped)].sort(), ['aaaaaa', 'bbbbbb'], 'an unscoped token sees every tenant')
  t.equal((await withToken(app, all.token)('GET', '/aaaaaa/org-x/pages')).statusCode, 200)

  const sysScoped = await createToken(app, users.sys, { name: 'B', tenantId: 'bbbbbb' })
  t.equal((await withToken(app, sysScoped.token)('GET', '/tenants')).statusCode, 403, 'a scoped token carries no system-admin rights')
  const sysAll = await createToken(app, users.sys)
  t.equal((await withToken(app, sysAll.token)('GET', '/tenants')).statusCode, 200, 'an unscoped one does')
})

t.test('an expired token is refused', async (t) => {
  const { app, database, users } = await world(t)
  const created = await createToken(app, users.alice, { name: 'soon', expiresAt: new Date(Date.now() + 60_000).toISOString() })
  t.equal((await withToken(app, created.token)('GET', '/me')).statusCode, 200)
  await sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${created.id}`.execute(database.superuser)
  await eventually(async () => (await withToken(app, created.token)('GET', '/me')).statusCode === 401, 1_500, 'the expired token to be refused')
  const res = await withToken(app, created.token)('GET', '/me')
  t.equal(res.json().error.type, 'token_expired')
})

for (const mode of ['sync off', 'sync on'] as const) {
  t.test(`${mode}: a revoked token stops working on a second instance within a second`, async (t) => {
    const db = await testDatabase(t)
    const options = mode === 'sync on' ? syncOptions(db, 'notify') : {}
    const { app: one } = await build(t, options, { database: db })
    const { app: two } = await build(t, options, { database: db })
    const res = await one.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'a@example.com', password: 'password-123' } })
    const who: SignedIn = { cookie: res.headers['set-cookie']!.toString().split(';')[0]!, user: res.json().user }
    const created = await createToken(one, who)
    const status = async (app: FastifyInstance) => (await withToken(app, created.token)('GET', '/me')).statusCode
    for (const app of [one, two]) for (let i = 0; i < 2; i++) t.equal(await status(app), 200, 'cached on both')
    t.equal((await as(one, who)('DELETE', `/me/tokens/${created.id}`)).statusCode, 204)
    t.equal(await status(one), 401, 'the revoking instance refuses at once')
    await eventually(async () => await status(two) === 401, 1_000, 'the other instance to refuse the revoked token')
    t.pass('the other instance refuses within a second')
    t.same((await as(one, who)('GET', '/me/tokens')).json().items, [], 'gone from the list')

    const plain = await createToken(one, who, { name: 'psql' })
    for (const app of [one, two]) t.equal((await withToken(app, plain.token)('GET', '/me')).statusCode, 200)
    await sql`delete from api_tokens where id = ${plain.id}`.execute(db.superuser)
    await eventually(async () => (await withToken(one, plain.token)('GET', '/me')).statusCode === 401
      && (await withToken(two, plain.token)('GET', '/me')).statusCode === 401, 1_000, 'a token deleted with plain SQL to be refused')
    t.pass('a token deleted with plain SQL is refused by both instances')
  })
}

t.test('the change stream accepts a bearer token (real socket)', async (t) => {
  const { app, users, baseUrl } = await syncWorld(t)
  const created = await createToken(app, users.alice)
  const refused = await openStream(`${baseUrl}/entities/app/stream`)
  t.equal(refused.status, 401, 'no credentials, no stream')
  refused.close()

  const client = await openStream(`${baseUrl}/entities/app/stream?offset=now`, bearer(created.token))
  t.teardown(() => client.close())
  t.equal(client.status, 200)
  const page = await withToken(app, created.token)('POST', '/aaaaaa/org-x/pages', { title: 'Live' })
  t.equal(page.statusCode, 201)
  await client.waitFor(() => client.changes().some((c) => c.entityId === page.json().id), 10_000, 'the page change on the stream')
  t.pass('the change arrives on the token-authenticated stream')

  const scoped = await createToken(app, users.alice, { name: 'A', tenantId: 'aaaaaa' })
  const scopedStream = await openStream(`${baseUrl}/entities/app/stream`, bearer(scoped.token))
  scopedStream.close()
  t.equal(scopedStream.status, 403, 'a tenant-scoped token cannot open the cross-tenant stream')
})
