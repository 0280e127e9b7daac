import { PassThrough } from 'node:stream'
import t from 'tap'
import { build } from '../helper.js'

t.test('log lines carry the request id and redact secrets', async (t) => {
  const stream = new PassThrough()
  const lines: Array<Record<string, unknown>> = []
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
  })
  const { app } = await build(t, {}, {
    database: false,
    logStream: stream,
    routes: (app) => { app.post('/test/echo', { config: { guards: ['public'] } }, async (request) => {
      request.log.info({ body: request.body }, 'received')
      return { ok: true }
    }) },
  })
  const res = await app.inject({
    method: 'POST',
    url: '/test/echo',
    headers: { cookie: 'tracking=supersecretcookie', authorization: 'Bearer supersecrettoken', 'x-request-id': 'req-123' },
    payload: { password: 'hunter2hunter2', token: 'tok-secret', secret: 'shh', name: 'visible' },
  })
  t.equal(res.statusCode, 200)
  const text = lines.map((l) => JSON.stringify(l)).join('\n')
  for (const secret of ['supersecretcookie', 'supersecrettoken', 'hunter2hunter2', 'tok-secret', '"shh"']) {
    t.notOk(text.includes(secret), `${secret} is not logged`)
  }
  t.ok(text.includes('visible'), 'other fields are logged')
  t.ok(lines.some((l) => l.reqId === 'req-123'), 'an incoming x-request-id is used')
})

t.test('security headers and CORS limited to APP_URL', async (t) => {
  const { app } = await build(t, { appUrl: 'https://app.example.com' }, { database: false })
  const res = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example.com' } })
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain http (test/plugins/leaks.test.ts: https)')
  t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", 'an API response allows nothing')
  t.equal(res.headers['x-frame-options'], 'DENY')
  const docs = await app.inject({ method: 'GET', url: '/docs/static/index.html' })
  t.match(docs.headers['content-security-policy'], /img-src 'self' data: validator\.swagger\.io/, 'the docs page\'s CSP is ours')
  t.equal(docs.headers['x-xss-protection'], '0', 'a page gets the document headers')
  const missing = await app.inject({ method: 'GET', url: '/no-such-route' })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['x-content-type-options'], 'nosniff', 'errors carry the headers too')
  t.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  const evil = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example.com' } })
  t.equal(evil.headers['access-control-allow-origin'], undefined, 'another origin gets no CORS grant')
  const preflight = await app.inject({ method: 'OPTIONS', url: '/health', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } })
  t.equal(preflight.headers['access-control-allow-origin'], undefined, 'preflight from another origin is not granted')
})

t.test('/metrics exposes HTTP durations and pool stats; metrics: false removes it', async (t) => {
  const { app } = await build(t)
  await app.inject({ method: 'GET', url: '/health' })
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/plain/)
  t.match(res.body, /http_request_duration_seconds_bucket\{[^}]*route="\/health"/)
  t.match(res.body, /db_pool_connections\{state="total"\}/)
  t.match(res.body, /process_resident_memory_bytes/)

  const { app: bare } = await build(t, { metrics: false }, { database: false })
  t.equal((await bare.inject({ method: 'GET', url: '/metrics' })).statusCode, 404)
})

t.test('a route without declared guards refuses to register', async (t) => {
  await t.rejects(build(t, {}, {
    database: false,
    routes: (app) => { app.get('/test/unguarded', async () => 'open') },
  }), /declares no guards/)
})
