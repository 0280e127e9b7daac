import net from 'node:net'
import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { SseConnection } from '../../sync/sse-connection.js'
import { eventually } from '../helper.js'
import { syncWorld } from '../sync/sync-world.js'

// Attack on frames written straight to the socket (sync/sse-connection.ts): a HEAD request to a
// stream has a response without a body (RFC 9110 §9.3.2). Bytes written after its head would be
// read as the next response on the connection (a proxy reusing it for another user's request).
// A plugin author's stream route keeps its automatic HEAD twin: the connection itself must not
// put frames on a bodyless response's socket.
const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { heartbeatMs: 5 } }, {
  routes: (app) => {
    app.get('/test/own-stream', { config: { guards: ['public'] } }, async (_request, reply) => {
      reply.hijack()
      const connection = new SseConnection(reply.raw, { heartbeatMs: 5, maxBufferedBytes: 1 << 20, retryMs: 1000 }, reply.getHeaders())
      for (let i = 0; i < 50; i++) setTimeout(() => connection.offset(`c${i}`), i * 5)
      setTimeout(() => connection.end('server'), 400)
      return reply
    })
  },
})
const port = Number(new URL(baseUrl).port)

t.test('HEAD on a stream: a whole response and nothing after it, however many changes and heartbeats follow', async (t) => {
  for (const path of ['/entities/app/stream?offset=now', '/public/aaaaaa/stream?offset=now', '/test/own-stream']) {
    let received = ''
    const socket = net.connect(port, '127.0.0.1', () => socket.write(
      `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${users.alice.cookie}\r\nAccept: text/event-stream\r\n\r\n`))
    t.teardown(() => socket.destroy())
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { received += chunk })
    socket.on('error', () => {})
    await eventually(() => received.includes('\r\n\r\n'), 3_000, `the head of HEAD ${path}`)
      .catch((error: unknown) => t.fail(`${String(error)}; received ${JSON.stringify(received.slice(0, 200))}`))
    const ids = Array.from({ length: 5 }, () => uuid())
    await sql`insert into pages (id, tenant_id, organization_id, title, status, public_access)
      select id, 'aaaaaa', ${orgs.x}::uuid, 'head', 'published', true from unnest(${ids}::uuid[]) as b(id)`.execute(database.superuser)
    // Long enough for the changes and many heartbeats to reach any stream left open.
    await new Promise((resolve) => setTimeout(resolve, 500))
    t.match(received, /^HTTP\/1\.1 \d{3} /, `HEAD ${path}: answered with a status line`)
    t.equal(received.slice(received.indexOf('\r\n\r\n') + 4), '', `HEAD ${path}: no byte after the head`)
    t.equal(app.streams!.registry.size, 0, `HEAD ${path}: no stream opened`)
    // The connection stays usable: the next response on it is whole and its own.
    received = ''
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await eventually(() => received.includes('{"status":"ok"}'), 3_000, 'the next response on the connection')
      .catch((error: unknown) => t.fail(`${String(error)}; received ${JSON.stringify(received.slice(0, 200))}`))
    t.match(received, /^HTTP\/1\.1 200 /, 'the next response starts where the last one ended')
    socket.destroy()
  }
})
