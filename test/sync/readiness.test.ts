import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { build, eventually } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// Issue 18.2: one CDC worker pushing to instance A, and an instance B on the same database.
const { app: a, database, users, orgs, sync, worker } = await syncWorld(t)
const { app: b } = await build(t, sync, { database })
const bUrl = await b.listen({ port: 0, host: '127.0.0.1' })

interface Ready { code: number; checks: Record<string, string[]>; info: Record<string, Record<string, unknown>> }
const ready = async (app: typeof a): Promise<Ready> => {
  const res = await app.inject({ method: 'GET', url: '/ready' })
  return { ...res.json(), code: res.statusCode }
}

t.test('both instances are ready once caught up, whichever one the worker pushes to', async (t) => {
  t.equal(b.cdcIngest!.connections(), 0, 'the worker pushes to A only')
  const [onA, onB] = await eventually(async () => {
    const both = await Promise.all([ready(a), ready(b)])
    return both.every((r) => r.code === 200) && both
  }, 10_000, 'both ready')
  for (const [name, r] of [['A', onA], ['B', onB]] as const) {
    t.same(r.checks['activity-bus'], [], `${name}: its own feed is live and caught up`)
    t.equal(r.info.cdc?.workerActive, true, `${name}: reports the worker active`)
    t.equal(r.info['activity-bus']?.listening, true)
  }
  t.equal(onA.info.cdc?.workersConnectedHere, 1)
  t.equal(onB.info.cdc?.workersConnectedHere, 0)
})

t.test("B's streams get changes the worker pushed to A", async (t) => {
  const client = await openStream(`${bUrl}/entities/app/stream?offset=now`, { cookie: users.alice.cookie })
  t.teardown(() => client.close())
  await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset')
  const pageId = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${pageId}, 'aaaaaa', ${orgs.x}, 'via SQL')`.execute(database.superuser)
  await client.waitFor(() => client.changes().some((c) => c.entityId === pageId), 10_000, 'the change on B')
  t.equal((await ready(b)).info['activity-bus']?.cursor, b.activityBus!.cursor)
})

t.test('a stopped worker fails neither instance; both report it', async (t) => {
  await worker.stop()
  const [onA, onB] = await eventually(async () => {
    const both = await Promise.all([ready(a), ready(b)])
    return both.every((r) => r.info.cdc?.workerActive === false) && both
  }, 10_000, 'the worker reported inactive')
  t.equal(onA.code, 200, JSON.stringify(onA.checks))
  t.equal(onB.code, 200, JSON.stringify(onB.checks))
})

t.test('an instance whose LISTEN connection is down is not ready until it is back and caught up', async (t) => {
  // New connections are refused meanwhile, so the listeners cannot come back before we look.
  const maintenance = new pg.Client({ connectionString: database.superuserUrl.replace(/[^/]+$/, 'postgres') })
  await maintenance.connect()
  t.teardown(() => maintenance.end())
  await maintenance.query(`alter database ${database.name} with allow_connections false`)
  await maintenance.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'strata-listen' and datname = $1`, [database.name])
  const down = await eventually(async () => { const r = await ready(b); return r.code === 503 && r }, 5_000, 'B unready')
  t.match(down.checks['activity-bus']![0], /not listening/)
  await maintenance.query(`alter database ${database.name} with allow_connections true`)
  await eventually(async () => (await ready(b)).code === 200, 20_000, 'B ready again')
  t.pass('B is ready again after reconnecting')
})
