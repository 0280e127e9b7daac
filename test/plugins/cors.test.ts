import t from 'tap'
import { build } from '../helper.js'

// Browser code on APP_URL can read the headers it needs (issue 14): cache source, idempotent
// replay, Retry-After and the request id, on simple requests and after a preflight.
const appUrl = 'https://app.example.com'
const exposed = ['x-cache', 'idempotent-replayed', 'mutation-replayed', 'retry-after', 'x-request-id', 'preference-applied']

t.test('responses to APP_URL expose the headers browser code reads', async (t) => {
  const { app } = await build(t, { appUrl }, { database: false })
  const res = await app.inject({ method: 'GET', url: '/health', headers: { origin: appUrl, 'x-request-id': 'req-123' } })
  t.equal(res.headers['access-control-allow-origin'], appUrl)
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  const list = String(res.headers['access-control-expose-headers']).toLowerCase().split(/\s*,\s*/)
  t.same(list.sort(), [...exposed].sort(), 'the four headers are exposed')
  t.equal(res.headers['x-request-id'], 'req-123', 'the request id is a response header')

  const preflight = await app.inject({
    method: 'OPTIONS', url: '/me',
    headers: { origin: appUrl, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  })
  t.equal(preflight.statusCode, 204, 'a bearer request from APP_URL passes the preflight')
  t.equal(preflight.headers['access-control-allow-origin'], appUrl)
  t.match(String(preflight.headers['access-control-allow-headers']).toLowerCase(), /authorization/)

  const error = await app.inject({ method: 'GET', url: '/me', headers: { origin: appUrl } })
  t.equal(error.statusCode, 401)
  t.equal(error.headers['x-request-id'], error.json().error.requestId, 'errors carry the id their body quotes')
  t.match(String(error.headers['access-control-expose-headers']), /X-Request-Id/)
})

t.test('another origin gets no CORS headers', async (t) => {
  const { app } = await build(t, { appUrl }, { database: false })
  const res = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } })
  t.equal(res.headers['access-control-allow-origin'], undefined, 'the browser lets it read nothing')
})

t.test('without APP_URL no origin gets a CORS grant, and a preflight is a 404 in the error shape', async (t) => {
  const { app } = await build(t, {}, { database: false })
  for (const origin of ['https://evil.example', 'http://localhost:80']) {
    const res = await app.inject({ method: 'GET', url: '/health', headers: { origin } })
    t.equal(res.statusCode, 200)
    t.same(Object.keys(res.headers).filter((name) => name.startsWith('access-control-')), [], `${origin}: no CORS header`)
    const preflight = await app.inject({
      method: 'OPTIONS', url: '/health', headers: { origin, 'access-control-request-method': 'POST' },
    })
    t.equal(preflight.statusCode, 404)
    t.equal(preflight.json().error.type, 'route_not_found')
    t.same(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-')), [], `${origin}: the preflight grants nothing`)
  }
})
