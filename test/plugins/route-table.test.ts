import type { RouteOptions } from 'fastify'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { publicRouteMatcher } from '../../plugins/app/guards.js'
import { as, build } from '../helper.js'
import { world } from '../routes/world.js'

/**
 * Guards tested from the route table itself: every route Strata registers (with sync, metrics
 * and OpenAPI on, so stream, ingest and library routes are there), every method it answers —
 * automatic HEAD twins included. A route added later is covered without editing this file.
 */
const { app, routes, users, orgs } = await world(t, {
  sync: { source: 'replication', slot: 'slot_route_table' },
  cdcSecret: 'test-cdc-secret-0123456789',
})
const isAllowListed = publicRouteMatcher(app.config.publicRoutes)

interface Target { method: string; url: string; route: RouteOptions }

/** A concrete URL for the route: tenant A, org X, unknown ids elsewhere. */
function concrete(url: string): string {
  return url
    .replace(':tenantId', 'aaaaaa')
    .replace(/:(orgId|idOrSlug)/, orgs.x)
    .replace(/:[A-Za-z]+/g, uuid())
}

const targets: Target[] = routes.flatMap((route) =>
  [route.method].flat().map((method) => ({ method, url: route.url, route })))
const guarded = targets.filter((target) => !isAllowListed(target.method, target.url) && !target.route.config?.guards?.includes('public'))

t.ok(targets.some((target) => target.method === 'HEAD'), 'the table includes automatic HEAD twins')
t.ok(guarded.length > 40, `guarded routes found (${guarded.length})`)

const errorShape = (status: number) => ({ error: { status, type: String, message: String, severity: String, requestId: String } })

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'
const request = (who: typeof users[keyof typeof users] | undefined, { method, url }: Target) =>
  app.inject({
    method: method as Method,
    url: concrete(url),
    headers: { origin: 'http://localhost:80', ...(who ? { cookie: who.cookie } : {}) },
    ...(['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? { payload: {} } : {}),
  })

t.test('anonymous: every guarded route and method answers 401 or 404, never 2xx or 5xx', async (t) => {
  for (const target of guarded) {
    const res = await request(undefined, target)
    t.ok([401, 404].includes(res.statusCode), `${target.method} ${target.url} → ${res.statusCode}`)
    if (target.method !== 'HEAD') t.match(res.json(), errorShape(res.statusCode), `${target.method} ${target.url}: error shape`)
  }
})

// Signed-in callers who must be refused: which routes each is tried on, and the answers allowed.
const refusals: Array<[string, typeof users[keyof typeof users], (target: Target) => boolean, number[], number]> = [
  ['a user of another tenant: every tenant route answers 403 or 404', users.carol, (target) => target.url.includes(':tenantId'), [403, 404], 20],
  ['a member of the tenant but not of the organization: every org route answers 403 or 404', users.bob, (target) => !!target.route.config?.guards?.includes('org'), [403, 404], 10],
  ['a user who is not a system admin: every system-admin route answers 403', users.eve, (target) => !!target.route.config?.guards?.includes('sysAdmin'), [403], 5],
]
for (const [name, who, applies, allowed, atLeast] of refusals) {
  t.test(name, async (t) => {
    const tried = guarded.filter(applies)
    t.ok(tried.length > atLeast, `${tried.length} routes`)
    for (const target of tried) {
      const res = await request(who, target)
      t.ok(allowed.includes(res.statusCode), `${target.method} ${target.url} → ${res.statusCode}`)
    }
  })
}

t.test('CSRF: every route and method that changes state refuses a session cookie from another origin, or from none, before any guard', async (t) => {
  const mutations = targets.filter((target) => !['GET', 'HEAD', 'OPTIONS'].includes(target.method))
  t.ok(mutations.length > 20, `${mutations.length} state-changing routes`)
  for (const target of mutations) {
    for (const origin of ['https://evil.example.com', undefined]) {
      const res = await app.inject({
        method: target.method as Method,
        url: concrete(target.url),
        // Carol is of another tenant: the guards of most of these routes would refuse her with
        // their own 403/404, so a csrf_origin_mismatch shows the check ran first.
        headers: { cookie: users.carol.cookie, ...(origin ? { origin } : {}) },
        payload: {},
      })
      t.equal(res.statusCode, 403, `${target.method} ${target.url} from ${origin ?? 'no origin'}`)
      t.equal(res.json().error.type, 'csrf_origin_mismatch')
    }
  }
})

t.test('CSRF: every route and method that changes state refuses another origin without a cookie too (login CSRF), before any guard', async (t) => {
  for (const target of targets.filter((target) => !['GET', 'HEAD', 'OPTIONS'].includes(target.method))) {
    const res = await app.inject({ method: target.method as Method, url: concrete(target.url), headers: { origin: 'https://evil.example.com' }, payload: {} })
    t.equal(res.statusCode, 403, `${target.method} ${target.url}`)
    t.equal(res.json().error.type, 'csrf_origin_mismatch')
    t.notOk(res.headers['set-cookie'], 'no cookie set')
  }
})

t.test('HEAD leaks nothing: the attack of the audit', async (t) => {
  const res = await app.inject({ method: 'HEAD', url: '/tenants?q=a' })
  t.equal(res.statusCode, 401)
  const asAdmin = await as(app, users.sys)('GET', '/tenants?q=a')
  t.equal(asAdmin.statusCode, 200, 'the GET itself works for a system admin')
})

t.test('public routes are a known, short list', async (t) => {
  const publicRoutes = targets.filter((target) => !guarded.includes(target)).map((target) => `${target.method} ${target.url}`)
  const known = /^(GET|HEAD) (\/health|\/ready|\/metrics|\/openapi\.json|\/docs.*|\/auth\/verify-email(\.js)?|\/public\/:tenantId\/(pages|pages\/:id|stream))$|^POST \/auth\/(sign-up|sign-in|verify-email)$|^OPTIONS \*$/
  for (const route of publicRoutes) t.match(route, known, `${route} is public on purpose`)
})

t.test('the CORS preflight answers headers only, and only APP_URL is allowed', async (t) => {
  const { app } = await build(t, { appUrl: 'http://app.example' }, { database: false })
  const preflight = (origin: string) => app.inject({
    method: 'OPTIONS', url: `/aaaaaa/${orgs.x}/pages`, headers: { origin, 'access-control-request-method': 'GET' },
  })
  const allowed = await preflight('http://app.example')
  t.equal(allowed.statusCode, 204)
  t.equal(allowed.body, '')
  t.equal(allowed.headers['access-control-allow-origin'], 'http://app.example')
  const evil = await preflight('http://evil.example')
  t.equal(evil.body, '')
  t.notOk(evil.headers['access-control-allow-origin'], 'another origin gets no CORS grant')
})

t.test('a route without guards fails to boot unless allow-listed', async (t) => {
  const thirdParty = async (instance: typeof app) => { instance.get('/plugin/report', async () => ({ secret: true })) }
  await t.rejects(build(t, {}, { routes: async (instance) => { await instance.register(thirdParty) } }),
    /GET \/plugin\/report declares no guards/)
  // The list replaces the default: without the Swagger UI entries, openapi must be off too.
  const allowed = await build(t, { openapi: false, publicRoutes: ['GET /plugin/*'] }, { routes: async (instance) => { await instance.register(thirdParty) } })
  t.equal((await allowed.app.inject({ method: 'HEAD', url: '/plugin/report' })).statusCode, 200, 'allow-listed GET and its HEAD twin')
})
