import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../../db/connection.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../db/embedded.js'
import type { DB } from '../../db/schema.js'
import { CdcWorker, type CdcWorkerOptions } from '../../sync/cdc-worker.js'
import { freePort, prepareDatabase } from '../harness/cluster.js'
import { testRoles } from '../harness/settings.js'
import { eventually, testDatabase } from '../helper.js'

// What the worker tells the walsender: how far the slot may advance, and whether Postgres can stop.
const quiet = { info() {}, warn() {}, error() {} }
const db = await testDatabase(t)
const su = db.superuser
const slot = `slot_${db.name}`
const orgId = uuid()
await su.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
await su.insertInto('organizations').values({ id: orgId, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()

async function startWorker(databaseUrl: string, slotName: string, faults?: CdcWorkerOptions['faults']) {
  const worker = new CdcWorker({ databaseUrl, slot: slotName, publication: 'strata_pub', log: quiet, faults })
  await worker.start()
  await eventually(() => worker.streaming, 10_000, 'the worker to stream')
  return worker
}

const pageActivities = (k: Kysely<DB>, ids: string[]) =>
  k.selectFrom('activities').select('entity_id').where('entity_id', 'in', ids).execute()

const insertPages = (k: Kysely<DB>, organizationId: string, ids: string[]) =>
  k.insertInto('pages').values(ids.map((id, i) => ({ id, tenant_id: 'aaaaaa', organization_id: organizationId, title: `p${i}` }))).execute()

t.test('10,000 writes to an unpublished table advance the slot', async (t) => {
  const worker = await startWorker(db.cdcUrl, slot)
  t.teardown(() => worker.stop())
  const before = await su.selectFrom('activities').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  for (let batch = 0; batch < 10; batch++) {
    await sql`insert into rate_limits (key, count, reset_at)
      select 'walsender:' || ${batch}::int || ':' || n, 1, now() + interval '1 minute' from generate_series(1, 1000) as n`.execute(su)
  }
  const { rows: [after] } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(su)
  await eventually(async () => {
    const { rows: [row] } = await sql<{ done: boolean }>`
      select confirmed_flush_lsn >= ${after!.lsn}::pg_lsn as done from pg_replication_slots where slot_name = ${slot}`.execute(su)
    return row?.done
  }, 20_000, 'the slot to confirm the end of WAL')
  t.pass('confirmed_flush_lsn passed the LSN after the writes')
  const now = await su.selectFrom('activities').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  t.equal(now.n, before.n, 'no activity for an unpublished table')
})

t.test('a commit right after the confirmed one is replayed after a crash, not skipped', async (t) => {
  const [first, second] = [uuid(), uuid()]
  let armed = true
  const worker = await startWorker(db.cdcUrl, slot, {
    afterReceive: (tx) => {
      if (armed && tx.changes.some((c) => c.entityId === second)) { armed = false; throw new Error('crash before persisting') }
    },
  })
  t.teardown(() => worker.stop())
  // `second` writes its row first and commits last: its commit record starts where `first`'s ends.
  const open = new pg.Client({ connectionString: db.superuserUrl })
  await open.connect()
  t.teardown(() => open.end())
  await open.query('begin')
  await open.query(`insert into pages (id, tenant_id, organization_id, title) values ($1, 'aaaaaa', $2, 'second')`, [second, orgId])
  await insertPages(su, orgId, [first])
  await open.query('commit')
  const rows = await eventually(async () => { const r = await pageActivities(su, [first, second]); return r.length === 2 && r }, 20_000, 'both transactions')
  t.equal(armed, false, 'the worker crashed on the second transaction')
  t.same(rows.map((r) => r.entity_id).sort(), [first, second].sort(), 'each exactly once')
})

t.test('a fast stop with the worker connected completes in seconds; the worker resumes without loss', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-pg-stop-'))
  await chmod(dir, 0o755) // Postgres runs as its own user when we are root
  const port = await freePort()
  const password = 'walsender-superuser'
  const start = () => startEmbeddedPostgres({ dir: path.join(dir, 'data'), port, superuserPassword: password })
  let embedded: EmbeddedDatabase = await start()
  let worker: CdcWorker | undefined
  let own: Kysely<DB> | undefined
  t.teardown(async () => {
    await worker?.stop()
    await own?.destroy()
    await embedded.stop()
    await rm(dir, { recursive: true, force: true })
  })
  await prepareDatabase(embedded, password, 'strata')
  const connect = () => createKysely(createPool({ url: embedded.urlFor('postgres', password, 'strata'), max: 2 }))
  own = connect()
  const org = uuid()
  await own.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
  await own.insertInto('organizations').values({ id: org, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()
  worker = await startWorker(embedded.urlFor(testRoles.cdc.user, testRoles.cdc.password, 'strata'), 'stop_slot')

  // The worker is idle when the stop begins: all it has received is persisted.
  const beforeStop = Array.from({ length: 20 }, () => uuid())
  await insertPages(own, org, beforeStop)
  await eventually(async () => (await pageActivities(own!, beforeStop)).length === beforeStop.length, 10_000, 'the pages before the stop')
  await own.destroy()
  own = undefined

  const stopping = Date.now()
  const stop = embedded.stop()
  const outcome = await Promise.race([stop.then(() => 'stopped' as const), sleep(20_000).then(() => 'hung' as const)])
  const took = Date.now() - stopping
  if (outcome === 'hung') {
    // Release Postgres so the test ends: the walsender waits on the worker.
    await worker.stop()
    worker = undefined
    await stop
  }
  t.equal(outcome, 'stopped', 'Postgres finished its fast shutdown with the worker connected')
  t.ok(took < 10_000, `the fast stop took ${took} ms`)

  embedded = await start()
  own = connect()
  worker ??= await startWorker(embedded.urlFor(testRoles.cdc.user, testRoles.cdc.password, 'strata'), 'stop_slot')
  const afterRestart = Array.from({ length: 10 }, () => uuid())
  await insertPages(own, org, afterRestart)
  const all = [...beforeStop, ...afterRestart]
  const rows = await eventually(async () => { const r = await pageActivities(own!, all); return r.length >= all.length && r }, 30_000, 'every page after the restart')
  t.equal(rows.length, all.length, 'one activity per page: none lost, none twice')
  t.same(new Set(rows.map((r) => r.entity_id)), new Set(all))
})
