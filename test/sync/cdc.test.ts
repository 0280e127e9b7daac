import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import WebSocket from 'ws'
import type { ActivityMessage } from '../../sync/activity.js'
import { CdcWorker, type CdcWorkerOptions } from '../../sync/cdc-worker.js'
import { build, eventually, syncOptions, testDatabase } from '../helper.js'

const quiet = { info() {}, warn() {}, error() {} }
/** The file-level test: apps built here live until the file ends, not just one subtest. */
const root = t
const db = await testDatabase(t)
const options = syncOptions(db)
const secret = options.cdcSecret!
const slot = `slot_${db.name}`

async function startApp() {
  const { app } = await build(t, options, { database: db })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address() as { port: number }
  const received: ActivityMessage[] = []
  app.activityBus!.on('activity', (a) => { received.push(a) })
  return { app, port: address.port, received }
}

let { app, port, received } = await startApp()
let ingestPort = port
const workers: CdcWorker[] = []
function startWorker(faults?: CdcWorkerOptions['faults']) {
  const worker = new CdcWorker({
    databaseUrl: db.cdcUrl, slot, publication: 'strata_pub', log: quiet, faults,
    ingest: { url: `ws://127.0.0.1:${ingestPort}/internal/cdc`, secret },
  })
  workers.push(worker)
  return worker.start().then(() => worker)
}
t.teardown(async () => { for (const w of workers) await w.stop() })

const su = db.superuser
const activities = () => su.selectFrom('activities').selectAll().orderBy('id').execute()
await su.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
const orgId = uuid()
await su.insertInto('organizations').values({ id: orgId, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()
let worker = await startWorker()
await eventually(() => app.cdcIngest!.connections() === 1, 10_000, 'the worker to connect')

t.test('insert, update, delete on a synced table become ordered activities with changed fields', async (t) => {
  const before = (await activities()).length
  const pageId = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${pageId}, 'aaaaaa', ${orgId}, 'Hello')`.execute(su)
  await sql`update pages set title = 'Hello again', status = 'published', updated_at = now() where id = ${pageId}`.execute(su)
  await sql`delete from pages where id = ${pageId}`.execute(su)
  const rows = await eventually(async () => { const r = await activities(); return r.length >= before + 3 && r }, 10_000, 'three activities')
  const mine = rows.filter((r) => r.entity_id === pageId)
  t.same(mine.map((r) => r.action), ['create', 'update', 'delete'])
  t.same(mine[1]!.changed_fields?.sort(), ['status', 'title'], 'changed fields of the update (camelCase, updated_at ignored)')
  t.ok(mine.every((r) => r.entity_type === 'page' && r.tenant_id === 'aaaaaa' && r.organization_id === orgId))
  const seqs = mine.map((r) => Number(r.seq))
  t.same(seqs, [seqs[0]!, seqs[0]! + 1, seqs[0]! + 2], 'per-organization sequence, one step per activity')
  await eventually(() => received.filter((a) => a.entityId === pageId).length === 3, 5_000, 'the bus to publish them')
  t.same(received.filter((a) => a.entityId === pageId).map((a) => a.action), ['create', 'update', 'delete'], 'the bus saw them in order')
})

t.test('a multi-row transaction: one commit, order kept', async (t) => {
  const ids = [uuid(), uuid(), uuid()]
  await su.transaction().execute(async (trx) => {
    for (const [i, id] of ids.entries()) {
      await sql`insert into attachments (id, tenant_id, organization_id, filename, content_type, size, key)
        values (${id}, 'aaaaaa', ${orgId}, ${`f${i}`}, 'text/plain', 1, 'k')`.execute(trx)
    }
  })
  const rows = await eventually(async () => {
    const r = (await activities()).filter((a) => ids.includes(a.entity_id))
    return r.length === 3 && r
  }, 10_000, 'the transaction')
  t.same(rows.map((r) => r.entity_id), ids, 'in statement order')
  const prefixes = new Set(rows.map((r) => r.id.split('-')[0]))
  t.equal(prefixes.size, 1, 'one commit LSN')
  t.ok(rows.every((r) => r.created_at.getTime() === rows[0]!.created_at.getTime()), 'one commit time')
})

t.test('a transaction larger than one statement can carry (20,000 rows) becomes 20,000 activities', async (t) => {
  const before = (await activities()).length
  await sql`insert into pages (id, tenant_id, organization_id, title)
    select gen_random_uuid(), 'aaaaaa', ${orgId}::uuid, 'bulk ' || n from generate_series(1, 20000) as n`.execute(su)
  const rows = await eventually(async () => { const r = await activities(); return r.length >= before + 20_000 && r }, 60_000, 'the bulk transaction')
  t.equal(rows.length, before + 20_000, 'exactly one activity per row')
  const seqs = rows.slice(before).map((r) => Number(r.seq))
  t.same(seqs.slice(0, 3), [seqs[0]!, seqs[0]! + 1, seqs[0]! + 2], 'sequence numbers run on')
  t.equal(new Set(seqs).size, seqs.length, 'no sequence number twice')
})

t.test('memberships and organizations carry the right scope', async (t) => {
  const userId = uuid()
  await su.insertInto('users').values({ id: userId, email: 'm@example.com' }).execute()
  const membershipId = uuid()
  await su.insertInto('memberships').values({ id: membershipId, tenant_id: 'aaaaaa', organization_id: orgId, user_id: userId, role: 'member' }).execute()
  await su.updateTable('organizations').set({ name: 'X2' }).where('id', '=', orgId).execute()
  const rows = await eventually(async () => {
    const r = await activities()
    return r.some((a) => a.entity_type === 'organization' && a.action === 'update') && r
  }, 10_000, 'the organization update')
  const membership = rows.find((r) => r.entity_id === membershipId)!
  t.match(membership, { entity_type: 'membership', action: 'create', organization_id: orgId, tenant_id: 'aaaaaa' })
  const org = rows.find((r) => r.entity_type === 'organization' && r.action === 'update')!
  t.match(org, { entity_id: orgId, organization_id: orgId, changed_fields: ['name'] })
})

/** Restarts the worker with one crash at `point`, then writes the page that sets it off. */
async function crashOnce(point: 'afterReceive' | 'afterCommit', title: string) {
  await worker.stop()
  let armed = true
  worker = await startWorker({ [point]: () => { if (armed) { armed = false; throw new Error(`crash at ${point}`) } } })
  const pageId = uuid()
  await su.insertInto('pages').values({ id: pageId, tenant_id: 'aaaaaa', organization_id: orgId, title }).execute()
  return { pageId, crashed: () => !armed }
}

t.test('a crash between receiving and committing loses nothing', async (t) => {
  const { pageId, crashed } = await crashOnce('afterReceive', 'survives')
  const rows = await eventually(async () => {
    const r = (await activities()).filter((a) => a.entity_id === pageId)
    return r.length > 0 && r
  }, 15_000, 'the replayed transaction')
  t.equal(crashed(), true, 'the crash happened')
  t.ok(worker.restarts >= 1, 'the worker restarted')
  t.equal(rows.length, 1, 'exactly one activity')
})

t.test('a crash between committing and acknowledging duplicates nothing', async (t) => {
  const { pageId, crashed } = await crashOnce('afterCommit', 'once')
  await eventually(() => crashed() && worker.restarts >= 1 && worker.streaming, 15_000, 'the crash and restart')
  // The restarted stream re-reads the unacknowledged transaction; a later change proves it went past it.
  const marker = uuid()
  await su.insertInto('pages').values({ id: marker, tenant_id: 'aaaaaa', organization_id: orgId, title: 'marker' }).execute()
  await eventually(async () => (await activities()).some((a) => a.entity_id === marker), 15_000, 'the marker')
  const rows = (await activities()).filter((a) => a.entity_id === pageId)
  t.equal(rows.length, 1, 'still exactly one activity')
  const { rows: [slotRow] } = await sql<{ lag: string }>`
    select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text as lag from pg_replication_slots where slot_name = ${slot}`.execute(su)
  t.ok(Number(slotRow!.lag) >= 0, 'the slot is acknowledged again')
})

t.test('API restart while the worker runs: activities accumulate, the new bus continues without gaps', async (t) => {
  ingestPort = port
  await app.close()
  const during = uuid()
  await su.insertInto('pages').values({ id: during, tenant_id: 'aaaaaa', organization_id: orgId, title: 'while the API is down' }).execute()
  await eventually(async () => (await activities()).some((a) => a.entity_id === during), 10_000, 'the activity written without the API')

  const { app: next } = await build(root, options, { database: db })
  await next.listen({ port, host: '127.0.0.1' })
  app = next
  received = []
  next.activityBus!.on('activity', (a) => { received.push(a) })
  t.equal(next.activityBus!.cursor, (await activities()).at(-1)!.id, 'the bus resumes from the stored cursor')
  await eventually(() => next.cdcIngest!.connections() === 1, 20_000, 'the worker to reconnect')
  const after = uuid()
  await su.insertInto('pages').values({ id: after, tenant_id: 'aaaaaa', organization_id: orgId, title: 'after' }).execute()
  await eventually(() => received.some((a) => a.entityId === after), 10_000, 'the new bus to publish')
  const ids = (await activities()).map((a) => a.id)
  t.same(ids, [...ids].sort(), 'cursors are ordered')
  t.equal(new Set(ids).size, ids.length, 'no duplicates')
})

t.test('ingest refuses a wrong secret and survives a malformed message', async (t) => {
  const url = `ws://127.0.0.1:${port}/internal/cdc`
  for (const headers of [{}, { 'x-cdc-secret': 'wrong-secret-0123456789' }]) {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => { ws.close(); resolve(101) })
      ws.on('error', () => resolve(-1))
    })
    t.equal(refused, 401, headers['x-cdc-secret' as keyof typeof headers] ? 'wrong secret → refused' : 'missing secret → refused')
  }
  const ws = new WebSocket(url, { headers: { 'x-cdc-secret': secret } })
  await new Promise((resolve) => ws.once('open', resolve))
  const replies: Array<{ type: string; batchId?: string }> = []
  ws.on('message', (data) => replies.push(JSON.parse(String(data))))
  ws.send('{not json')
  ws.send(JSON.stringify({ type: 'batch', batchId: 'b0', previousCursor: '', activities: [{ cursor: 'x' }] }))
  // A batch the change log holds (the latest stored activity, re-announced) is acknowledged.
  const cursor = app.activityBus!.cursor
  ws.send(JSON.stringify({ type: 'batch', batchId: 'b1', previousCursor: '', activities: [{
    cursor, action: 'create', entityType: 'page', entityId: uuid(), tenantId: 'aaaaaa', organizationId: orgId,
    userId: null, seq: null, changedFields: null, createdAt: new Date().toISOString(),
  }] }))
  await eventually(() => replies.length === 3, 5_000, 'three replies')
  t.same(replies.map((r) => r.type), ['error', 'error', 'ack'], 'errors for bad messages, an ack for the good one')
  t.equal(replies[2]!.batchId, 'b1')
  ws.close()
})

t.test('/ready reports the CDC worker and /metrics its counters', async (t) => {
  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json().checks.cdc, [])
  t.equal(ready.json().info.cdc.workerActive, true)
  const metrics = await app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /cdc_ingest_batches_total\{result="accepted"\} \d+/)
  t.match(metrics.body, /cdc_replication_lag_bytes \d+/)
  t.match(metrics.body, /cdc_ingest_connected 2|cdc_ingest_connected 1/)
  await worker.stop()
  await eventually(() => app.cdcIngest!.connections() === 0, 5_000, 'the worker to disconnect')
  // A stopped worker is reported, not failed (issue 18.2: the same on every instance).
  const stopped = await eventually(async () => {
    const res = await app.inject({ method: 'GET', url: '/ready' })
    return res.json().info.cdc.workerActive === false && res
  }, 5_000, 'the slot to go inactive')
  t.equal(stopped.statusCode, 200)
  t.same(stopped.json().checks.cdc, [])
})
