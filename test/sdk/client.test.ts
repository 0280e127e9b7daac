import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { createKysely, createPool } from '../../db/connection.js'
import { type Change, StrataError, catchUp, changes, createStrataClient, ok, reconnectDelay, sessionJar } from '../../sdk/src/index.js'
import { sseFrames } from '../../sdk/src/sse.js'
import { build, eventually, makeSystemAdmin, syncOptions, testDatabase } from '../helper.js'

// A real server on a real port, with the notify sync source (no CDC worker to manage).
const db = await testDatabase(t)
await sql`alter database ${sql.id(db.name)} set strata.sync_source = 'notify'`.execute(db.superuser)
// The setting applies to sessions opened from now on: a new pool for plain SQL writes.
const su = createKysely(createPool({ url: db.superuserUrl, max: 1 }))
t.teardown(() => su.destroy())
await db.superuser.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
const options = { tenancy: 'multi' as const, ...syncOptions(db, 'notify'), streams: { retryMs: 100 } }

async function serve(port = 0): Promise<{ app: FastifyInstance; baseUrl: string; port: number }> {
  const { app } = await build(t, options, { database: db })
  await app.listen({ port, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  return { app, port: address.port, baseUrl: `http://127.0.0.1:${address.port}` }
}
let server = await serve()
const tenantId = 'aaaaaa'

// Sign-in with the Node session jar: the cookie and the Origin the CSRF rule expects.
const jar = sessionJar(server.baseUrl)
const strata = createStrataClient({ baseUrl: server.baseUrl, middleware: [jar.middleware] })
const { user } = await ok(strata.api.POST('/auth/sign-up', { body: { email: 'sdk@example.com', password: 'password-123' } }))
await makeSystemAdmin(db, user.id)
const org = await ok(strata.api.POST('/{tenantId}/organizations', { params: { path: { tenantId } }, body: { name: 'SDK', slug: 'sdk' } }))
const createPage = (client: typeof strata, title: string, orgId = org.id) =>
  ok(client.api.POST('/{tenantId}/{orgId}/pages', { params: { path: { tenantId, orgId } }, body: { title } }))

t.test('a Node session: sign in, typed requests, typed errors', async (t) => {
  t.ok(jar.session, 'the jar holds the session cookie')
  const signedIn = createStrataClient({ baseUrl: server.baseUrl, middleware: [sessionJar(server.baseUrl).middleware] })
  const { api } = signedIn
  await ok(api.POST('/auth/sign-in', { body: { email: 'sdk@example.com', password: 'password-123' } }))
  const page = await createPage(signedIn, 'From the SDK')
  t.equal(page.can.update, true)
  const list = await ok(api.GET('/{tenantId}/{orgId}/pages', { params: { path: { tenantId, orgId: org.id }, query: { q: 'SDK' } } }))
  t.same(list.items.map((p) => p.id), [page.id])

  const missing = await ok(api.GET('/{tenantId}/{orgId}/pages', { params: { path: { tenantId, orgId: 'no-such-org' } } })).catch((e: unknown) => e)
  t.ok(missing instanceof StrataError)
  t.match(missing, { status: 404, type: 'organization_not_found', severity: 'info' })
  t.ok((missing as StrataError).requestId, 'with the request id')

  await ok(api.POST('/auth/sign-out'))
  const after = await ok(api.GET('/me')).catch((e: unknown) => e)
  t.match(after, { status: 401 }, 'signed out')
})

t.test('an API token: bearer requests, no cookie and no Origin', async (t) => {
  const { token } = await ok(strata.api.POST('/me/tokens', { body: { name: 'sdk test' } }))
  const bot = createStrataClient({ baseUrl: server.baseUrl, token })
  const page = await createPage(bot, 'From a token')
  const me = await ok(bot.api.GET('/me'))
  t.equal(me.user.id, user.id)
  t.equal(page.createdBy, user.id)
})

t.test('the stream resumes across a server restart: no change lost, none repeated', async (t) => {
  const { token } = await ok(strata.api.POST('/me/tokens', { body: { name: 'stream' } }))
  // Its own organization: only this test's pages are counted.
  const streamed = await ok(strata.api.POST('/{tenantId}/organizations', { params: { path: { tenantId } }, body: { name: 'Streamed', slug: 'streamed' } }))
  const client = createStrataClient({ baseUrl: server.baseUrl, token })
  const writer = () => createStrataClient({ baseUrl: server.baseUrl, token })
  const abort = new AbortController()
  t.teardown(() => abort.abort())
  const received: Change[] = []
  const connects: Array<string | undefined> = []
  const { cursor: start } = await catchUp(client, { from: 'now' })
  const reading = (async () => {
    for await (const change of changes(client, { from: start, signal: abort.signal, onConnect: ({ cursor }) => { connects.push(cursor) } })) {
      if (change.entityType === 'page' && change.organizationId === streamed.id) received.push(change)
    }
  })().catch((error: unknown) => { if (!abort.signal.aborted) throw error })

  const written: string[] = []
  for (const title of ['one', 'two', 'three']) written.push((await createPage(writer(), title, streamed.id)).id)
  await eventually(() => received.length === 3, 10_000, 'three live changes')

  // The server goes away; a change is written while it is down (plain SQL: the notify source
  // records it), and another server comes up on the same database and port.
  const { port } = server
  await server.app.close()
  const whileDown = '0192f0c1-7a3e-7c44-9b1f-2d0b6f7e8a11'
  await sql`insert into pages (id, tenant_id, organization_id, title, created_by) values (${whileDown}, ${tenantId}, ${streamed.id}, 'while down', ${user.id})`.execute(su)
  written.push(whileDown)
  server = await serve(port)
  for (const title of ['four', 'five']) written.push((await createPage(writer(), title, streamed.id)).id)
  await eventually(() => received.length >= 6, 15_000, 'every change after the restart')
  await new Promise((resolve) => setTimeout(resolve, 300))
  abort.abort()
  await reading

  t.same(received.map((c) => c.entityId), written, 'every page once, in commit order')
  t.equal(new Set(received.map((c) => c.cursor)).size, received.length, 'no duplicate')
  t.ok(connects.length >= 2, 'it reconnected')
  t.ok(connects.slice(1).every((c) => c && c !== start), 'resuming from the last change it saw (Last-Event-ID)')

  const replay = await catchUp(client, { from: start })
  t.same(replay.changes.filter((c) => c.entityType === 'page' && c.organizationId === streamed.id).map((c) => c.entityId), written, 'catch-up gives the same changes')
})

t.test('a refused stream throws a StrataError instead of retrying', async (t) => {
  const anonymous = createStrataClient({ baseUrl: server.baseUrl })
  const first = await changes(anonymous).next().catch((e: unknown) => e)
  t.match(first, { status: 401, type: 'no_session' })
})

t.test('backoff: from the retry hint, exponential, capped, jittered', async (t) => {
  t.equal(reconnectDelay(1000, 0, 30_000, () => 0), 500)
  t.equal(reconnectDelay(1000, 0, 30_000, () => 1), 1000)
  t.equal(reconnectDelay(1000, 3, 30_000, () => 1), 8000)
  t.equal(reconnectDelay(1000, 10, 30_000, () => 1), 30_000)
  const spread = new Set(Array.from({ length: 20 }, () => reconnectDelay(1000, 2, 30_000)))
  t.ok(spread.size > 5, 'clients do not come back in step')
})

t.test('SSE frames split across chunks anywhere', async (t) => {
  const text = 'retry: 1500\n\n: heartbeat\n\nid: 1\nevent: change\ndata: {"a":\ndata: 1}\n\r\nevent: offset\ndata: {"cursor":"c"}\n\n'
  const bytes = new TextEncoder().encode(text)
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7))
      controller.close()
    },
  })
  const frames = []
  for await (const frame of sseFrames(body)) frames.push(frame)
  t.same(frames, [
    { event: 'message', data: '', retry: 1500 },
    { event: 'change', data: '{"a":\n1}', id: '1' },
    { event: 'offset', data: '{"cursor":"c"}' },
  ])
})
