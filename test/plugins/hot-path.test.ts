import type { InjectOptions, RouteOptions } from 'fastify'
import t from 'tap'
import { as, build, signUp, verifyEmail } from '../helper.js'

/** Every response carries these (plain http: no HSTS), whatever answered it. */
const securityHeaders = [
  'content-security-policy', 'cross-origin-resource-policy', 'referrer-policy', 'x-content-type-options', 'x-frame-options', 'x-request-id',
]
/** An HTML page (Swagger UI, the demo) also carries those that shape how a browser treats a document. */
const documentHeaders = [
  ...securityHeaders, 'cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options',
  'x-permitted-cross-domain-policies', 'x-xss-protection',
]
/** An API response's CSP allows nothing and no framing. */
const apiPolicy = "default-src 'none';frame-ancestors 'none'"

const missingOf = (headers: Record<string, unknown>, names = securityHeaders) => names.filter((name) => typeof headers[name] !== 'string' || headers[name] === '')

t.test('every route, method and outcome answers with the security headers and its request id', async (t) => {
  const { app, routes } = await build(t, {}, {
    routes: (app) => {
      app.get('/test/boom', { config: { guards: ['public'] } }, async () => { throw new Error('boom') })
    },
  })
  // Pages and their files carry the documents' headers: Swagger UI's by its context, the others by the route.
  const isPage = (route: RouteOptions) => [route.onRequest].flat().includes(app.documentHeaders) || /^\/docs(\/|$)/.test(route.url)
  const seen = new Set<string>()
  let pages = 0
  for (const route of routes) {
    // Streams stay open (their headers: test/sync/streams.test.ts); WebSocket ingest needs an upgrade.
    if (/stream|ingest/.test(route.url)) continue
    const url = route.url.replace(':tenantId', 'main').replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000').replace('*', 'x')
    for (const method of [route.method].flat()) {
      const key = `${method} ${url}`
      if (seen.has(key)) continue
      seen.add(key)
      const res = await app.inject({ method: method as 'GET', url, headers: { origin: 'http://localhost:80' } })
      const page = /^text\/html/.test(String(res.headers['content-type']))
      if (page) pages++
      t.same(missingOf(res.headers, page ? documentHeaders : securityHeaders), [], `${key} → ${res.statusCode} carries every security header`)
      if (page) t.match(res.headers['content-security-policy'], /script-src 'self'/, `${key}: a page's CSP lets it load its own scripts`)
      // Swagger UI's scripts and styles carry the page's headers; everything else is the API's.
      else if (!isPage(route)) t.equal(res.headers['content-security-policy'], apiPolicy, `${key}: the API's CSP`)
    }
  }
  t.ok(seen.size > 30, `${seen.size} routes answered`)
  t.ok(pages > 0, `Swagger UI's pages are among them (${pages})`)
  const outcomes: Array<[string, InjectOptions, number]> = [
    ['404 (no route)', { method: 'GET', url: '/no-such-route' }, 404],
    ['HEAD twin', { method: 'HEAD', url: '/health' }, 200],
    ['500 (masked)', { method: 'GET', url: '/test/boom' }, 500],
    ['400 (invalid JSON)', { method: 'POST', url: '/auth/sign-in', headers: { 'content-type': 'application/json' }, payload: '{' }, 400],
    ['401 (guard)', { method: 'GET', url: '/me' }, 401],
    ['400 (bad URL, before routing)', { method: 'GET', url: '/%zz' }, 400],
  ]
  for (const [what, request, status] of outcomes) {
    const res = await app.inject(request)
    t.equal(res.statusCode, status, what)
    t.same(missingOf(res.headers), [], `${what} carries every security header`)
  }
})

t.test('request durations: one observation per response, by route and status, cumulative buckets', async (t) => {
  const { app } = await build(t, {}, { database: false })
  for (let i = 0; i < 7; i++) await app.inject({ method: 'GET', url: '/health' })
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/nowhere' })
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const value = (pattern: RegExp) => Number(pattern.exec(body)?.[1])
  t.equal(value(/http_request_duration_seconds_count\{(?=[^}]*route="\/health")(?=[^}]*status="200")(?=[^}]*method="GET")[^}]*\} (\d+)/), 7)
  t.equal(value(/http_request_duration_seconds_count\{(?=[^}]*route="unmatched")(?=[^}]*status="404")[^}]*\} (\d+)/), 3)
  const buckets = [...body.matchAll(/http_request_duration_seconds_bucket\{(?=[^}]*route="\/health")[^}]*le="([^"]+)"[^}]*\} (\d+)/g)]
  t.equal(buckets.length, 12, 'eleven bounds and +Inf')
  const counts = buckets.map((b) => Number(b[2]))
  t.same(counts, [...counts].sort((a, b) => a - b), 'buckets are cumulative')
  t.equal(buckets.at(-1)?.[1], '+Inf')
  t.equal(counts.at(-1), 7)
  t.ok(value(/http_request_duration_seconds_sum\{(?=[^}]*route="\/health")[^}]*\} ([\d.e-]+)/) > 0)
})

t.test('guards served from cached look-ups (synchronous) still refuse', async (t) => {
  const { app } = await build(t)
  const alice = await signUp(app, 'alice-hot@example.com')
  const mallory = await signUp(app, 'mallory-hot@example.com')
  await verifyEmail(app, alice)
  await verifyEmail(app, mallory)
  const asAlice = as(app, alice)
  const asMallory = as(app, mallory)
  const org = (await asAlice('POST', '/main/organizations', { name: 'Hot', slug: 'hot' })).json()
  await asMallory('POST', '/main/organizations', { name: 'Other', slug: 'other' })
  const created = await asAlice('POST', '/main/hot/attachments', { filename: 'a.png', contentType: 'image/png', size: 1, key: 'k' })
  t.equal(created.statusCode, 201)
  const url = `/main/hot/attachments/${created.json().id}`
  // (Entity cache hits are re-authorized the same way: test/sync/caches.test.ts.)
  await asAlice('GET', url)
  const again = await asAlice('GET', url)
  t.equal(again.statusCode, 200)
  t.equal(again.json().organizationId, org.id)
  // Mallory's session, tenant and memberships are cached too: the org guard still refuses her.
  await asMallory('GET', '/main/other/attachments')
  t.equal((await asMallory('GET', url)).statusCode, 403, 'a non-member gets no cached row')
  t.equal((await asMallory('GET', `/main/other/attachments/${created.json().id}`)).statusCode, 404, 'nor through her own organization')
  t.equal((await app.inject({ method: 'GET', url })).statusCode, 401, 'nor anyone without a session')
  // A cookie-authenticated write from another origin is refused before any guard runs.
  const csrf = await app.inject({ method: 'POST', url: '/main/hot/attachments', headers: { cookie: alice.cookie, origin: 'https://evil.example.com' }, payload: { filename: 'b.png', contentType: 'image/png', size: 1, key: 'k' } })
  t.equal(csrf.statusCode, 403)
  t.equal(csrf.json().error.type, 'csrf_origin_mismatch')
})
