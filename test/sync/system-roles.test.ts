import { sql } from 'kysely'
import t from 'tap'
import { as, eventually, syncOptions, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'
import { openStream } from '../sse-client.js'

// Migration 0019: granting or revoking a system role reaches every instance at once. Cached
// credentials (which carry `isSystemAdmin`) are forgotten and the user's open streams, routed by
// the old status, end; without it a revoked admin kept admin routes for the cache's 15 s and
// every tenant's changes on an open stream until it reconnected.

const database = await testDatabase(t)
await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
const { app, users } = await world(t, syncOptions(database, 'notify'), { database })
const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
const su = database.superuser

t.test('a revoked system admin: admin routes refused at once, open streams end', async (t) => {
  const sys = as(app, users.sys)
  t.equal((await sys('GET', '/tenants')).statusCode, 200, 'an admin route, and the session cached as admin')
  const stream = await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.sys.cookie, 'last-event-id': 'now' })
  t.teardown(() => stream.close())
  await stream.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset')
  let ended = false
  void stream.ended.then(() => { ended = true })

  await su.deleteFrom('system_roles').where('user_id', '=', users.sys.user.id).execute()
  await eventually(() => ended, 5_000, 'the stream to end')
  t.equal(stream.events.at(-1)?.event, 'retry', 'ended with a retry hint: the client comes back under its new status')
  await eventually(async () => (await sys('GET', '/tenants')).statusCode === 403, 2_000, 'the admin route to refuse')
  t.match((await sys('GET', '/tenants')).json(), { error: { status: 403, type: 'no_sysadmin' } })
})

t.test('a granted system role: admin routes at once', async (t) => {
  const eve = as(app, users.eve)
  t.equal((await eve('GET', '/tenants')).statusCode, 403, 'not an admin, and the session cached so')
  await su.insertInto('system_roles').values({ user_id: users.eve.user.id, role: 'admin' }).execute()
  await eventually(async () => (await eve('GET', '/tenants')).statusCode === 200, 2_000, 'the admin route to admit')
})
