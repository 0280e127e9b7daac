import { connect } from 'node:net'
import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { as, build, eventually } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

const root = t
const { app, baseUrl, database, users, orgs, sync } = await syncWorld(t, { streams: { maxBufferedBytes: 64 * 1024, maxPerUser: 3, heartbeatMs: 200 } })
const cookie = (who: keyof typeof users) => ({ cookie: users[who].cookie })
const streamUrl = `${baseUrl}/entities/app/stream`
const streams: Array<{ close(): void }> = []
t.teardown(() => { for (const s of streams) s.close() })
async function stream(who: keyof typeof users | undefined, headers: Record<string, string> = {}, url = streamUrl) {
  const client = await openStream(url, { ...(who ? cookie(who) : {}), ...headers })
  streams.push(client)
  return client
}
const createPage = async (who: keyof typeof users, org: string, title: string, extra: Record<string, unknown> = {}) => {
  const res = await as(app, users[who])('POST', `/aaaaaa/${org}/pages`, { title, ...extra })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string }
}
const pageEvents = (client: Awaited<ReturnType<typeof stream>>) => client.changes().filter((c) => c.entityType === 'page')

t.test('catch-up, then offset, then live; security headers kept', async (t) => {
  const first = await createPage('alice', 'org-x', 'one')
  const second = await createPage('alice', 'org-x', 'two')
  await eventually(async () => app.activityBus!.published >= 2, 10_000, 'the bus')
  const client = await stream('alice')
  t.equal(client.status, 200)
  await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset event')
  t.equal(client.events[0]!.event, 'retry', 'retry first')
  const replayed = pageEvents(client).map((c) => c.entityId)
  t.same(replayed, [first.id, second.id], 'replayed in order')
  const offset = JSON.parse(client.events.find((e) => e.event === 'offset')!.data)
  t.equal(offset.cursor, client.changes().at(-1)!.cursor, 'offset = the last replayed cursor')
  const third = await createPage('dave', 'org-x', 'three')
  await client.waitFor(() => pageEvents(client).some((c) => c.entityId === third.id), 10_000, 'the live change')
  const ids = client.events.filter((e) => e.event === 'change').map((e) => e.id!)
  t.same(ids, [...ids].sort(), 'ids increase')
  t.equal(new Set(ids).size, ids.length, 'no duplicate')
  const res = await fetch(streamUrl, { headers: cookie('alice') })
  t.equal(res.headers.get('x-content-type-options'), 'nosniff', 'helmet headers on the stream')
  t.match(res.headers.get('content-type'), /text\/event-stream/)
  await res.body?.cancel()
  await client.waitFor((e) => e.some((x) => x.event === 'comment' && x.comment === 'heartbeat'), 5_000, 'a heartbeat')
  client.close()
})

t.test('resume from before the first, the middle and the last event', async (t) => {
  const all = (await (await fetch(`${streamUrl}?live=catchup`, { headers: cookie('alice') })).json()) as { activities: Array<{ cursor: string }>; cursor: string }
  const cursors = all.activities.map((a) => a.cursor)
  t.ok(cursors.length >= 3)
  for (const [name, from, expected] of [
    ['before the first', '', cursors],
    ['the middle', cursors[0]!, cursors.slice(1)],
    ['the last', cursors.at(-1)!, []],
  ] as const) {
    const client = await stream('alice', from ? { 'last-event-id': from } : {})
    await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, `offset (${name})`)
    t.same(client.changes().map((c) => c.cursor), expected, `resume from ${name}`)
    client.close()
  }
  const viaQuery = await stream('alice', {}, `${streamUrl}?offset=${cursors[0]}`)
  await viaQuery.waitFor((e) => e.some((x) => x.event === 'offset'))
  t.same(viaQuery.changes().map((c) => c.cursor), cursors.slice(1), '?offset= works like Last-Event-ID')
  viaQuery.close()
  const now = await stream('alice', {}, `${streamUrl}?offset=now`)
  await now.waitFor((e) => e.some((x) => x.event === 'offset'))
  t.same(now.changes(), [], 'offset=now skips the replay')
  now.close()
  const bad = await fetch(`${streamUrl}?offset=nonsense`, { headers: cookie('alice') })
  t.equal(bad.status, 400)
  t.equal((await fetch(streamUrl)).status, 401, 'auth required')
})

t.test('permission filtering: members see their orgs, system admins everything', async (t) => {
  const bob = await stream('bob', { 'last-event-id': '' })
  const sys = await stream('sys')
  await bob.waitFor((e) => e.some((x) => x.event === 'offset'))
  await sys.waitFor((e) => e.some((x) => x.event === 'offset'))
  const x = await createPage('alice', 'org-x', 'for X only')
  const y = await createPage('bob', 'org-y', 'for Y')
  await bob.waitFor(() => bob.changes().some((c) => c.entityId === y.id), 10_000, "bob's own org")
  await sys.waitFor(() => sys.changes().some((c) => c.entityId === x.id) && sys.changes().some((c) => c.entityId === y.id), 10_000, 'sys sees both')
  t.notOk(bob.changes().some((c) => c.organizationId === orgs.x), 'bob never sees org X, replayed or live')
  bob.close()
  sys.close()
})

t.test('a removed member stops receiving that organization at once', async (t) => {
  const dave = await stream('dave', { 'last-event-id': app.activityBus!.cursor })
  const alice = await stream('alice', { 'last-event-id': app.activityBus!.cursor })
  await dave.waitFor((e) => e.some((x) => x.event === 'offset'))
  await alice.waitFor((e) => e.some((x) => x.event === 'offset'))
  const members = (await as(app, users.alice)('GET', '/aaaaaa/org-x/memberships/members?q=dave')).json()
  const membershipId = members.items[0].membership.id
  t.equal((await as(app, users.alice)('DELETE', '/aaaaaa/org-x/memberships', { ids: [membershipId] })).statusCode, 200)
  await dave.waitFor(() => dave.changes().some((c) => c.entityType === 'membership' && c.action === 'delete'), 10_000, 'his membership delete')
  const after = await createPage('alice', 'org-x', 'after dave left')
  await alice.waitFor(() => alice.changes().some((c) => c.entityId === after.id), 10_000, 'alice gets the page')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.notOk(dave.changes().some((c) => c.entityId === after.id), 'dave does not')
  dave.close()
  alice.close()
})

t.test('public stream: only public published pages; a flip to private sends a delete', async (t) => {
  const pub = await stream(undefined, { 'last-event-id': app.activityBus!.cursor }, `${baseUrl}/public/aaaaaa/stream`)
  await pub.waitFor((e) => e.some((x) => x.event === 'offset'))
  const shown = await createPage('alice', 'org-x', 'public', { status: 'published', publicAccess: true })
  const hidden = await createPage('alice', 'org-x', 'private', { status: 'published', publicAccess: false })
  await pub.waitFor(() => pub.changes().some((c) => c.entityId === shown.id), 10_000, 'the public page')
  await as(app, users.alice)('PUT', `/aaaaaa/org-x/pages/${shown.id}`, { publicAccess: false })
  await pub.waitFor(() => pub.changes().some((c) => c.entityId === shown.id && c.action === 'delete'), 10_000, 'the delete')
  t.notOk(pub.changes().some((c) => c.entityId === hidden.id), 'a private page never shows')
  const catchup = await (await fetch(`${baseUrl}/public/aaaaaa/stream?live=catchup`)).json() as { activities: Array<{ entityId: string; action: string }> }
  t.same(catchup.activities.filter((a) => a.entityId === hidden.id || a.entityId === shown.id).map((a) => [a.entityId, a.action]),
    [[shown.id, 'delete']], 'in the catch-up: the private page never, the page made private as its delete')
  t.equal((await fetch(`${baseUrl}/public/zzzzzz/stream`)).status, 404)
  pub.close()
})

t.test('the replay/live race: writes during the replay arrive once, in order', async (t) => {
  const from = app.activityBus!.cursor
  const ids: string[] = []
  const writing = (async () => {
    for (let i = 0; i < 30; i++) {
      const id = uuid()
      ids.push(id)
      await sql`insert into pages (id, tenant_id, organization_id, title) values (${id}, 'aaaaaa', ${orgs.x}, ${`race ${i}`})`.execute(database.superuser)
    }
  })()
  await new Promise((resolve) => setTimeout(resolve, 30))
  const client = await stream('alice', { 'last-event-id': from })
  await writing
  await client.waitFor(() => ids.every((id) => client.changes().some((c) => c.entityId === id)), 15_000, 'all 30 writes')
  const seen = client.changes().filter((c) => ids.includes(c.entityId)).map((c) => c.entityId)
  t.same(seen, ids, 'each once, in commit order')
  const cursors = client.changes().map((c) => c.cursor)
  t.same(cursors, [...cursors].sort())
  client.close()
})

t.test('a slow client is cut off and resumes without loss', async (t) => {
  const from = app.activityBus!.cursor
  const url = new URL(streamUrl)
  // A raw socket that asks for the stream and then never reads.
  const socket = connect(Number(url.port), url.hostname)
  socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${users.alice.cookie}\r\nLast-Event-ID: ${from}\r\nAccept: text/event-stream\r\n\r\n`)
  socket.pause()
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  await eventually(() => app.streams!.registry.size > 0, 5_000, 'the stream to register')
  const rssBefore = process.memoryUsage().rss
  // More change events than the kernel's socket buffers hold (≈ 13 MB): stored straight in the
  // change log, between the last real cursor and the next commit, then announced like the worker does.
  const prefix = from.split('-')[0]
  const count = 40_000
  await sql`insert into activities (id, tenant_id, organization_id, entity_type, entity_id, action)
    select ${prefix} || '-' || to_hex(8388608 + n), 'aaaaaa', ${orgs.x}::uuid, 'page', gen_random_uuid()::text, 'update'
    from generate_series(1, ${count}) as n`.execute(database.superuser)
  await sql`select pg_notify('strata_activities', '')`.execute(database.superuser)
  await eventually(async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' })
    return /sse_slow_clients_dropped_total [1-9]/.test(metrics.body)
  }, 20_000, 'the slow client to be dropped')
  const grewMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20
  t.ok(grewMb < 64, `memory stayed flat while the reader stalled (+${grewMb.toFixed(1)} MiB for ${count} events)`)
  socket.resume()
  socket.on('data', () => {})
  await closed
  t.pass('the server closed the stalled stream')
  const resumed = await stream('alice', { 'last-event-id': from })
  await resumed.waitFor((e) => e.some((x) => x.event === 'offset'), 30_000, 'the resumed replay')
  const got = resumed.changes().filter((c) => c.cursor.startsWith(`${prefix}-8`))
  t.equal(got.length, count, 'every change arrives after resuming, once')
  resumed.close()
})

t.test('stream limits and catch-up JSON', async (t) => {
  const open = await Promise.all([1, 2, 3].map(() => stream('eve', { 'last-event-id': app.activityBus!.cursor })))
  await Promise.all(open.map((c) => c.waitFor((e) => e.some((x) => x.event === 'offset'))))
  const fourth = await fetch(streamUrl, { headers: cookie('eve') })
  t.equal(fourth.status, 429, 'per-user limit')
  t.equal(((await fourth.json()) as { error: { type: string } }).error.type, 'too_many_streams')
  for (const c of open) c.close()
  // 'now' is what this instance has published: let the bus finish the earlier tests' changes.
  const { latest } = await database.superuser.selectFrom('activities').select((eb) => eb.fn.max('id').as('latest')).executeTakeFirstOrThrow()
  await eventually(() => app.activityBus!.cursor === latest, 20_000, 'the bus to publish every stored change')
  const catchup = await fetch(`${streamUrl}?live=catchup&offset=now`, { headers: cookie('alice') })
  t.same(await catchup.json(), { activities: [], cursor: app.activityBus!.cursor })
})

t.test('two instances: a client on B gets changes written through A and with plain SQL', async (t) => {
  const { app: b } = await build(root, sync, { database })
  const bUrl = await b.listen({ port: 0, host: '127.0.0.1' })
  const client = await stream('alice', { 'last-event-id': app.activityBus!.cursor }, `${bUrl}/entities/app/stream`)
  await client.waitFor((e) => e.some((x) => x.event === 'offset'))
  const viaA = await createPage('alice', 'org-x', 'written through A')
  const viaSql = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${viaSql}, 'aaaaaa', ${orgs.x}, 'plain SQL')`.execute(database.superuser)
  await client.waitFor(() => [viaA.id, viaSql].every((id) => client.changes().some((c) => c.entityId === id)), 10_000, 'both changes on B')
  t.equal(b.cdcIngest!.connections(), 0, 'B has no CDC worker of its own')
  client.close()
})

t.test('shutdown ends 100 open streams with a retry hint', async (t) => {
  const { app: c } = await build(root, { ...sync, streams: { maxPerUser: 100 } }, { database })
  const cUrl = await c.listen({ port: 0, host: '127.0.0.1' })
  const clients = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    openStream(`${cUrl}/entities/app/stream?offset=now`, cookie(i % 2 ? 'alice' : 'bob'))))
  await Promise.all(clients.map((cl) => cl.waitFor((e) => e.some((x) => x.event === 'offset'))))
  t.equal(c.streams!.registry.size, 100)
  await c.close()
  await Promise.all(clients.map((cl) => cl.ended))
  t.ok(clients.every((cl) => cl.events.at(-1)?.event === 'retry'), 'every stream ended with retry:')
  t.equal(c.streams!.registry.size, 0, 'none left open')
})
