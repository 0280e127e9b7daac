import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import strata from '../../app.js'
import { build, testOptions } from '../helper.js'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

t.test('x-request-id: a plain id is kept, anything else is replaced before it reaches logs or bodies', async (t) => {
  const stream = new PassThrough()
  let logged = ''
  stream.on('data', (chunk: Buffer) => { logged += chunk.toString() })
  const { app } = await build(t, {}, { database: false, logStream: stream })
  const requestIdOf = async (header: string) => {
    const res = await app.inject({ method: 'GET', url: '/no-such-route', headers: { 'x-request-id': header } })
    t.equal(res.statusCode, 404)
    return res.json().error.requestId as string
  }
  t.equal(await requestIdOf('lb-7f3a:01.2_x'), 'lb-7f3a:01.2_x', 'a proxy-style id passes through')
  const attacks = ['<script>alert(1)</script>', 'a b', '"},"admin":true,"x":"', 'x'.repeat(129), 'ünïcode', 'id\u0007bell']
  for (const attack of attacks) {
    t.match(await requestIdOf(attack), uuid, `${JSON.stringify(attack.slice(0, 30))} is replaced by a fresh id`)
  }
  for (const attack of attacks) t.notOk(logged.includes(attack), `${JSON.stringify(attack.slice(0, 30))} is not logged`)
  const [first, second] = await Promise.all([requestIdOf(''), requestIdOf('')])
  t.not(first, second, 'an empty header gets a fresh id each time')
})

const metricsToken = 'metrics-token-0123456789'

t.test('/metrics with a token: only `Authorization: Bearer <token>` reads it', async (t) => {
  const { app } = await build(t, { metrics: { token: metricsToken } }, { database: false })
  for (const authorization of [undefined, 'Bearer wrong-token-0123456789', metricsToken, `Basic ${metricsToken}`, `Bearer ${metricsToken}x`]) {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({ method, url: '/metrics', headers: authorization ? { authorization } : {} })
      t.equal(res.statusCode, 401, `${method} with ${authorization ?? 'no header'} → 401`)
      t.notMatch(res.body, /process_resident_memory_bytes/)
      if (method === 'GET') t.match(res.json(), { error: { status: 401, type: 'unauthorized', severity: 'info', requestId: String } }, 'in the error shape')
    }
  }
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } })
  t.equal(res.statusCode, 200)
  t.match(res.body, /process_resident_memory_bytes/)

  const { app: open } = await build(t, { metrics: true }, { database: false })
  t.equal((await open.inject({ method: 'GET', url: '/metrics' })).statusCode, 200, '`metrics: true` (development) stays public')
})

/** A self-signed certificate for 127.0.0.1, made with openssl in `dir`. */
function selfSigned(dir: string): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, 'key.pem')
  const cert = path.join(dir, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' })
  return { key: readFileSync(key), cert: readFileSync(cert) }
}

t.test('HSTS and upgrade-insecure-requests only over https, so /docs works over plain http', async (t) => {
  const { app } = await build(t, {}, { database: false })
  for (const url of ['/docs', '/health']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.headers['strict-transport-security'], undefined, `${url} over http: no HSTS`)
    t.notMatch(res.headers['content-security-policy'], /upgrade-insecure-requests/, `${url} over http: assets are not upgraded`)
    t.match(res.headers['content-security-policy'], url === '/docs' ? /default-src 'self'/ : /default-src 'none'/, `${url} over http: the rest of the CSP stays`)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
  }

  const https = Fastify({ https: selfSigned(t.testdir()) })
  await https.register(fp(strata), testOptions(false))
  await https.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => https.close())
  const { port } = https.server.address() as { port: number }
  const headersOf = (path: string) => new Promise<Record<string, unknown>>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      res.resume()
      resolve(res.headers)
    }).on('error', reject).end()
  })
  const api = await headersOf('/health')
  t.match(api['strict-transport-security'], /max-age=\d+/, 'over https: HSTS')
  t.equal(api['content-security-policy'], "default-src 'none';frame-ancestors 'none'", 'an API response loads nothing, so nothing to upgrade')
  const docs = await headersOf('/docs/static/index.html')
  t.match(docs['strict-transport-security'], /max-age=\d+/, 'over https: HSTS on pages too')
  t.match(docs['content-security-policy'], /upgrade-insecure-requests/, 'over https: a page\'s assets are upgraded')
})
