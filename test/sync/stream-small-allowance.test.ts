import net from 'node:net'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { eventually } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// A replay waits for the client when its stream holds more than half its allowance of unsent
// bytes. The socket signals room ('drain') only after holding more than its own buffer mark
// (16 KiB on Node 20), so an allowance below twice that once left a replay waiting for ever. A
// stream pipelined behind another request has no socket until that one is answered: its replay
// once filled the allowance meanwhile and was dropped as a slow reader.
const allowance = 8 * 1024
const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { maxBufferedBytes: allowance } })

/** A backlog of `n` page creations in X, already routed (seen live), and the cursor before it. */
async function backlog(t: Test, n: number) {
  const from = app.activityBus!.cursor
  const live = await openStream(`${baseUrl}/entities/app/stream?offset=now`, { cookie: users.alice.cookie })
  t.teardown(() => live.close())
  await live.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the live stream')
  const before = new Set((await database.superuser.selectFrom('pages').select('id').execute()).map((p) => p.id))
  await sql`insert into pages (tenant_id, organization_id, title, created_by)
    select 'aaaaaa', ${orgs.x}, 'backlog ' || n, ${users.alice.user.id} from generate_series(1, ${n}) n`.execute(database.superuser)
  const ids = (await database.superuser.selectFrom('pages').select('id').execute()).map((p) => p.id).filter((id) => !before.has(id))
  await live.waitFor(() => live.changes().filter((c) => ids.includes(c.entityId)).length === ids.length, 10_000, 'the backlog, live')
  return { from, ids }
}

t.test('an allowance smaller than the socket buffer: a replay of several times it reaches a reading client whole, in order', async (t) => {
  const { from, ids } = await backlog(t, 60)
  const stream = await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.alice.cookie, 'last-event-id': from })
  t.teardown(() => stream.close())
  await stream.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the replay to end (its offset)')
  const replayed = stream.changes().filter((c) => c.entityType === 'page').map((c) => c.entityId)
  t.same(replayed.toSorted(), ids.toSorted(), 'every page, once')
  const cursors = stream.changes().map((c) => c.cursor)
  t.ok(cursors.every((cursor, i) => i === 0 || cursor > cursors[i - 1]!), 'in cursor order')
  t.ok(JSON.stringify(stream.changes()).length > 4 * allowance, 'the replay was several allowances long')
})

t.test('a stream pipelined behind a slow request replays a backlog of several allowances whole, once that request is answered', async (t) => {
  const { from, ids } = await backlog(t, 60)
  const signIn = JSON.stringify({ email: 'alice@example.com', password: 'password-123' })
  const received: Buffer[] = []
  // Sign-in hashes the password on the thread pool meanwhile: the stream's replay runs first.
  const socket = net.connect(Number(new URL(baseUrl).port), '127.0.0.1', () => socket.write(
    `POST /auth/sign-in HTTP/1.1\r\nHost: ${new URL(baseUrl).host}\r\nOrigin: ${baseUrl}\r\nContent-Type: application/json\r\nContent-Length: ${signIn.length}\r\n\r\n${signIn}`
    + `GET /entities/app/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${users.alice.cookie}\r\nLast-Event-ID: ${from}\r\nAccept: text/event-stream\r\n\r\n`))
  t.teardown(() => socket.destroy())
  let closed = false
  socket.on('data', (chunk: Buffer) => received.push(chunk))
  socket.on('close', () => { closed = true })
  const text = () => Buffer.concat(received).toString('utf8')
  await eventually(() => text().includes('event: offset') || closed, 10_000, 'the replay to end (its offset)')
  t.notOk(closed, 'the connection stays open')
  t.match(text(), /^HTTP\/1\.1 200 OK\r\n/, 'the sign-in answered first')
  t.same(ids.filter((id) => !text().includes(`"entityId":"${id}"`)), [], 'every page of the backlog replayed')
  t.ok(text().length > 4 * allowance, 'the replay was several allowances long')
})
