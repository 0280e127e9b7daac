import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../../db/connection.js'
import type { ActivityMessage } from '../../sync/activity.js'
import { build, eventually, syncOptions, testDatabase } from '../helper.js'

// Issue 18.5: notify-source cursors past 16.7 million recorded changes (6 hex digits).
const db = await testDatabase(t)
await sql`alter database ${sql.id(db.name)} set strata.sync_source = 'notify'`.execute(db.superuser)
const su = createKysely(createPool({ url: db.superuserUrl, max: 2 }))
t.teardown(() => su.destroy())
const { app } = await build(t, syncOptions(db, 'notify'), { database: db })
const received: ActivityMessage[] = []
app.activityBus!.on('activity', (a) => { received.push(a) })

await su.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
const orgId = uuid()
await su.insertInto('organizations').values({ id: orgId, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()

t.test('200 changes across the 16,777,216th outbox position: 200 distinct, ordered activities', async (t) => {
  await sql`alter table activity_outbox alter column position restart with 16777200`.execute(su)
  // Four transactions of 50: the first crosses 2^24 within one transaction.
  const written: string[] = []
  for (let transaction = 0; transaction < 4; transaction++) {
    await su.transaction().execute(async (trx) => {
      for (let i = 0; i < 50; i++) {
        const id = uuid()
        written.push(id)
        await sql`insert into pages (id, tenant_id, organization_id, title) values (${id}, 'aaaaaa', ${orgId}, ${`page ${written.length}`})`.execute(trx)
      }
    })
  }
  const stored = await eventually(async () => {
    const outbox = await su.selectFrom('activity_outbox' as never).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    return (outbox as { n: number }).n === 0 && su.selectFrom('activities').select(['id', 'entity_id']).where('entity_type', '=', 'page').orderBy('id').execute()
  }, 10_000, 'the outbox to drain')
  t.equal(stored.length, 200, 'every change is an activity')
  t.equal(new Set(stored.map((a) => a.id)).size, 200, 'distinct cursors')
  t.same(stored.map((a) => a.entity_id), written, 'cursor order is write order')
  t.ok(stored.every((a) => /^[0-9A-F]{16}-[0-9a-f]{6}$/.test(a.id)), 'the stream cursor format')

  const pages = await eventually(() => { const r = received.filter((a) => a.entityType === 'page'); return r.length >= 200 && r }, 10_000, 'the bus')
  t.same(pages.map((a) => a.entityId), written, 'the bus delivers all 200 in order')
})
