import { sql } from 'kysely'
import t from 'tap'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// A replay waits for the client when its stream holds more than half its allowance of unsent
// bytes. The socket signals room ('drain') only after holding more than its own buffer mark
// (16 KiB on Node 20), so an allowance below twice that once left a replay waiting for ever.
const allowance = 8 * 1024
const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { maxBufferedBytes: allowance } })

t.test('an allowance smaller than the socket buffer: a replay of several times it reaches a reading client whole, in order', async (t) => {
  const from = app.activityBus!.cursor
  const live = await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.alice.cookie })
  t.teardown(() => live.close())
  await live.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the live stream')
  await sql`insert into pages (tenant_id, organization_id, title, created_by)
    select 'aaaaaa', ${orgs.x}, 'backlog ' || n, ${users.alice.user.id} from generate_series(1, 60) n`.execute(database.superuser)
  const backlog = await database.superuser.selectFrom('pages').select('id').where('organization_id', '=', orgs.x).orderBy('id').execute()
  await live.waitFor(() => live.changes().length >= backlog.length, 10_000, 'the backlog, live')
  const stream = await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.alice.cookie, 'last-event-id': from })
  t.teardown(() => stream.close())
  await stream.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the replay to end (its offset)')
  const replayed = stream.changes().filter((c) => c.entityType === 'page').map((c) => c.entityId)
  t.same(replayed.toSorted(), backlog.map((p) => p.id).toSorted(), 'every page, once')
  const cursors = stream.changes().map((c) => c.cursor)
  t.ok(cursors.every((cursor, i) => i === 0 || cursor > cursors[i - 1]!), 'in cursor order')
  t.ok(JSON.stringify(stream.changes()).length > 4 * allowance, 'the replay was several allowances long')
})
