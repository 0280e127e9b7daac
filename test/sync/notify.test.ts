import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../../db/connection.js'
import type { ActivityMessage } from '../../sync/activity.js'
import { build, eventually, syncOptions, testDatabase } from '../helper.js'

// The notify source: triggers record changes, the API sequences them into activities.
const root = t
const db = await testDatabase(t)
await sql`alter database ${sql.id(db.name)} set strata.sync_source = 'notify'`.execute(db.superuser)
// The setting applies to sessions opened from now on.
const su = createKysely(createPool({ url: db.superuserUrl, max: 2 }))
t.teardown(() => su.destroy())
const options = syncOptions(db, 'notify')

async function startApp() {
  const { app } = await build(root, options, { database: db })
  const received: ActivityMessage[] = []
  app.activityBus!.on('activity', (a) => { received.push(a) })
  return { app, received }
}
let { app, received } = await startApp()
const activities = () => su.selectFrom('activities').selectAll().orderBy('id').execute()
await su.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
const orgId = uuid()
await su.insertInto('organizations').values({ id: orgId, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()

t.test('/ready checks the database is set to the notify source', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  t.same(res.json().checks['notify-source'], [])
})

t.test('insert, update, delete become ordered activities with changed fields and seq', async (t) => {
  const pageId = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${pageId}, 'aaaaaa', ${orgId}, 'Hello')`.execute(su)
  await sql`update pages set title = 'Hello again', public_access = true, updated_at = now() where id = ${pageId}`.execute(su)
  await sql`delete from pages where id = ${pageId}`.execute(su)
  const rows = await eventually(async () => { const r = (await activities()).filter((a) => a.entity_id === pageId); return r.length === 3 && r }, 10_000, 'three activities')
  t.same(rows.map((r) => r.action), ['create', 'update', 'delete'])
  t.same(rows[1]!.changed_fields, ['publicAccess', 'title'], 'camelCase changed fields, updated_at ignored')
  const seqs = rows.map((r) => Number(r.seq))
  t.same(seqs, [seqs[0]!, seqs[0]! + 1, seqs[0]! + 2])
  await eventually(() => received.filter((a) => a.entityId === pageId).length === 3, 5_000, 'the bus')
  t.same(received.filter((a) => a.entityId === pageId).map((a) => a.action), ['create', 'update', 'delete'])
  const outbox = await su.selectFrom('activity_outbox' as never).selectAll().execute()
  t.equal(outbox.length, 0, 'the outbox is drained')
})

t.test('a multi-row transaction keeps its order and one transaction prefix', async (t) => {
  const ids = [uuid(), uuid(), uuid()]
  await su.transaction().execute(async (trx) => {
    for (const id of ids) await sql`insert into attachments (id, tenant_id, organization_id, filename, content_type, size, key) values (${id}, 'aaaaaa', ${orgId}, 'f', 'a/b', 1, 'k')`.execute(trx)
  })
  const rows = await eventually(async () => { const r = (await activities()).filter((a) => ids.includes(a.entity_id)); return r.length === 3 && r }, 10_000, 'the transaction')
  t.same(rows.map((r) => r.entity_id), ids)
  t.equal(new Set(rows.map((r) => r.id.split('-')[0])).size, 1)
})

t.test('a transaction still open holds back later ones: cursors never go backwards', async (t) => {
  const slow = await su.connection().execute(async (conn) => {
    await sql`begin`.execute(conn)
    const early = uuid()
    await sql`insert into pages (id, tenant_id, organization_id, title) values (${early}, 'aaaaaa', ${orgId}, 'early xid')`.execute(conn)
    const late = uuid()
    await sql`insert into pages (id, tenant_id, organization_id, title) values (${late}, 'aaaaaa', ${orgId}, 'late xid')`.execute(su)
    await new Promise((resolve) => setTimeout(resolve, 400))
    const during = (await activities()).some((a) => a.entity_id === late)
    await sql`commit`.execute(conn)
    return { early, late, during }
  })
  t.equal(slow.during, false, 'the later transaction waits for the earlier one to finish')
  const rows = await eventually(async () => {
    const r = await activities()
    return r.some((a) => a.entity_id === slow.late) && r.some((a) => a.entity_id === slow.early) && r
  }, 10_000, 'both')
  t.ok(rows.findIndex((a) => a.entity_id === slow.early) < rows.findIndex((a) => a.entity_id === slow.late), 'ordered by transaction')
  const ids = rows.map((r) => r.id)
  t.same(ids, [...ids].sort())
})

t.test('API restart: changes made while it is down are sequenced by the next one, without gaps', async (t) => {
  await app.close()
  const during = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${during}, 'aaaaaa', ${orgId}, 'while down')`.execute(su)
  ;({ app, received } = await startApp())
  await eventually(async () => (await activities()).some((a) => a.entity_id === during), 10_000, 'the change made while down')
  const after = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${after}, 'aaaaaa', ${orgId}, 'after')`.execute(su)
  await eventually(() => received.some((a) => a.entityId === after), 10_000, 'the new bus')
  const ids = (await activities()).map((a) => a.id)
  t.equal(new Set(ids).size, ids.length, 'no duplicates')
})
