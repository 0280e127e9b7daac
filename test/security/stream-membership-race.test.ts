import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { v7 as uuid } from 'uuid'
import { membershipsOfUser } from '../../db/tenants.js'
import { SseConnection } from '../../sync/sse-connection.js'
import { type SignedIn, as } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from '../sync/sync-world.js'

// A user's stream reads their memberships, then registers to receive changes. A membership change
// routed in between reached none of their streams, so the stream would route by the roles it read:
// a member removed meanwhile would go on receiving the organization's changes. The stream route's
// window lasts milliseconds; this test route holds it open. It opens a stream as the stream route
// does (fence, read, register through the dispatcher) and waits for the test between read and
// registration.

/** The test route's next request stops between its read and its registration until released. */
function holdNext() {
  let reached!: () => void
  let release!: () => void
  const hold = {
    inWindow: new Promise<void>((resolve) => { reached = resolve }),
    released: new Promise<void>((resolve) => { release = resolve }),
    reached: () => reached(),
    release: () => release(),
  }
  held = hold
  return hold
}
let held: ReturnType<typeof holdNext> | undefined

const w = await syncWorld(t, {}, {
  routes: (app) => {
    app.get('/test/held-stream', { config: { guards: ['auth'], rlsTransaction: false } }, async (request, reply) => {
      const streams = app.streams!
      const fence = streams.membershipFence()
      const memberships = await membershipsOfUser(app.db, request.user!.id)
      const hold = held!
      hold.reached()
      await hold.released
      reply.hijack()
      const connection = new SseConnection(reply.raw, app.config.streams, reply.getHeaders())
      const organizations = new Map(memberships.map((m) => [m.organizationId, m.role]))
      await streams.openUser({ userId: request.user!.id, isSystemAdmin: false, organizations, connection }, 'now', fence)
      return reply
    })
  },
})

/** A stream that has read `who`'s memberships and waits; `everything`: a system admin's stream, open. */
async function heldStreamOf(t: Test, who: SignedIn) {
  const everything = await openStream(`${w.baseUrl}/entities/app/stream`, { cookie: w.users.sys.cookie })
  t.teardown(() => everything.close())
  await everything.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the offset')
  const hold = holdNext()
  const opening = openStream(`${w.baseUrl}/test/held-stream`, { cookie: who.cookie })
  await hold.inWindow
  return {
    everything,
    /** Lets the stream register, and returns it. */
    async release() {
      hold.release()
      const stream = await opening
      t.teardown(() => stream.close())
      return stream
    },
  }
}

t.test('membership changes routed while a stream opens apply to it: a removed member gets nothing more, an added one gets the new organization', async (t) => {
  const { app, users, orgs, database } = w
  // dave: member of X. While his stream is between its read and its registration, he leaves X
  // and joins Y.
  const held = await heldStreamOf(t, users.dave)
  const sys = held.everything
  const joined = uuid()
  await database.superuser.deleteFrom('memberships').where('user_id', '=', users.dave.user.id).where('organization_id', '=', orgs.x).execute()
  await database.superuser.insertInto('memberships')
    .values({ id: joined, tenant_id: 'aaaaaa', organization_id: orgs.y, user_id: users.dave.user.id, role: 'member' }).execute()
  await sys.waitFor(() => sys.changes().some((c) => c.entityId === joined), 10_000, 'both membership changes routed')
  const dave = await held.release()
  await dave.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the offset')

  const inX = (await as(app, users.alice)('POST', '/aaaaaa/org-x/pages', { title: 'after dave left' })).json().id as string
  const inY = (await as(app, users.bob)('POST', '/aaaaaa/org-y/pages', { title: 'after dave joined' })).json().id as string
  await dave.waitFor(() => dave.changes().some((c) => c.entityId === inY), 10_000, 'the page of the organization dave joined')
  await sys.waitFor(() => sys.changes().some((c) => c.entityId === inY), 10_000, 'both pages routed')
  t.ok(sys.changes().some((c) => c.entityId === inX), 'the page in X was routed (to those who may read it)')
  t.same(dave.changes().filter((c) => c.entityId === inX), [], 'dave, removed from X before his stream registered, does not get its page')
})

t.test('more membership changes routed while a stream opens than are remembered: the stream ends at once, before sending anything, and the client reconnects', async (t) => {
  const { app, users, orgs, database, baseUrl } = w
  const held = await heldStreamOf(t, users.eve)
  const sys = held.everything
  // 2,100 people join Y (the dispatcher remembers the last 1,000 to 2,000 membership changes).
  await sql`with people as (
      insert into users (email) select 'crowd-' || n || '@example.com' from generate_series(1, 2100) n returning id)
    insert into memberships (tenant_id, organization_id, user_id, role) select 'aaaaaa', ${orgs.y}, id, 'member' from people`.execute(database.superuser)
  const marker = (await as(app, users.bob)('POST', '/aaaaaa/org-y/pages', { title: 'after the crowd' })).json().id as string
  await sys.waitFor(() => sys.changes().some((c) => c.entityId === marker), 30_000, 'every membership change routed')
  const eve = await held.release()
  const stayedOpen = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the stream stayed open')), 10_000).unref())
  await Promise.race([eve.ended, stayedOpen])
  t.same(eve.events.map((e) => e.event), ['retry', 'retry'], 'nothing but when to come back: no offset, no change')
  const again = await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.eve.cookie })
  t.teardown(() => again.close())
  await again.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'a reconnected stream opens')
})
