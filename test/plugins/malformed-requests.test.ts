import { connect } from 'node:net'
import type { Response as LightMyRequestResponse } from 'light-my-request'
import t from 'tap'
import { freePort } from '../harness/cluster.js'
import { as, build, signUp, syncOptions, testDatabase } from '../helper.js'

/**
 * Every malformed request answers a 4xx in the error shape of SPEC §6 — including what Fastify
 * and Node's HTTP parser reject before any route runs — and a database that refuses connections
 * answers 503, never 500. Raw sockets where `fetch` cannot send the bytes.
 */
const database = await testDatabase(t)
const { app } = await build(t, syncOptions(database), { database })
const address = await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = new URL(address)
const alice = await signUp(app, 'alice@example.com')
const created = await as(app, alice)('POST', '/main/organizations', { name: 'Acme', slug: 'acme' })
t.equal(created.statusCode, 201)

/** Sends raw bytes, returns the status and the parsed JSON body of the answer. */
function raw(bytes: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes))
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { text += chunk })
    socket.on('error', () => {})
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])
      const body = text.slice(text.indexOf('\r\n\r\n') + 4)
      try {
        resolve({ status, body: JSON.parse(body) })
      } catch {
        reject(new Error(`not JSON: ${JSON.stringify(text)}`))
      }
    })
    setTimeout(() => socket.end(), 2_000).unref()
  })
}

const shaped = (status: number) => ({
  error: { status, type: String, message: String, severity: String, requestId: String },
})

const injected: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
  ['NUL byte in a query', () => as(app, alice)('GET', '/main/acme/pages?q=%00'), 400],
  ['NUL byte in a path parameter', () => as(app, alice)('GET', '/main/ac%00me/pages'), 400],
  ['NUL byte in a JSON body', () => as(app, alice)('PUT', '/me', { name: 'a\u0000b' }), 400],
  ['NUL byte in a created entity', () => as(app, alice)('POST', '/main/acme/pages', { title: 'x\u0000' }), 400],
  ['malformed percent escape', () => as(app, alice)('GET', '/main/%E0%A4%A/pages'), 400],
  ['path parameter over maxParamLength', () => as(app, alice)('GET', `/main/${'a'.repeat(200)}/pages`), 414],
  ['malformed JSON', () => app.inject({ method: 'POST', url: '/auth/sign-in', headers: { 'content-type': 'application/json' }, payload: '{"email":' }), 400],
  ['unknown method', () => app.inject({ method: 'PROPFIND' as 'GET', url: '/me' }), 404],
]
for (const [what, send, status] of injected) {
  t.test(what, async (t) => {
    const res = await send()
    t.equal(res.statusCode, status)
    t.match(res.json(), shaped(status))
  })
}

const sockets: Array<[string, string, number]> = [
  ['non-numeric Content-Length', 'POST /auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}', 400],
  ['two different Content-Lengths', 'POST /auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}', 400],
  ['a broken request line', 'GARBAGE\r\n\r\n', 400],
  ['headers over the size limit', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ['the CDC ingest without its secret', 'GET /internal/cdc HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n', 401],
]
for (const [what, bytes, status] of sockets) {
  t.test(`raw socket: ${what}`, async (t) => {
    const res = await raw(bytes)
    t.equal(res.status, status)
    t.match(res.body, shaped(status))
  })
}

t.test('a database that refuses connections answers 503', async (t) => {
  const closedPort = await freePort()
  const { app: offline } = await build(t, { tenancy: 'multi', database: { url: `postgres://runtime_role:x@127.0.0.1:${closedPort}/none`, poolMax: 1 } }, { database: false })
  const cookie = `strata-session=${offline.signCookie('some-session-token')}`
  const res = await offline.inject({ method: 'GET', url: '/me', headers: { cookie } })
  t.equal(res.statusCode, 503)
  t.match(res.json(), shaped(503))
  t.equal(res.json().error.type, 'database_unavailable')
  t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1/, 'no driver message in the body')
})
