import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { checkCatalog } from '../../db/catalog.js'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { withContext, withPublicContext, withTenantContext } from '../../db/rls.js'
import { applyEntityIsolation } from '../../entities/isolation.js'
import { errorCode, seedTenants } from '../db/fixtures.js'
import { syncedTables } from '../../migrations/0004_sync.js'
import { build, testDatabase } from '../helper.js'
import { createNotesTable, notes } from './notes.js'

// An author's org-scoped table, created bare (no key to the organization, no RLS, no grants): the
// helper must supply everything. Probes run as runtime_role on a pool of one connection.
const database = await testDatabase(t)
const fx = await seedTenants(database.superuser)
const { users, orgs } = fx
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

await createNotesTable(database.superuser)

const ids = { xDave: uuid(), xAlice: uuid(), xShared: uuid(), y: uuid(), z: uuid() }
await database.superuser.insertInto('notes' as never).values([
  { id: ids.xDave, tenant_id: 'aaaaaa', organization_id: orgs.x, body: 'x dave', assignee: users.dave },
  { id: ids.xAlice, tenant_id: 'aaaaaa', organization_id: orgs.x, body: 'x alice', assignee: users.alice },
  { id: ids.xShared, tenant_id: 'aaaaaa', organization_id: orgs.x, body: 'x shared', shared: true },
  { id: ids.y, tenant_id: 'aaaaaa', organization_id: orgs.y, body: 'y', shared: true },
  { id: ids.z, tenant_id: 'bbbbbb', organization_id: orgs.z, body: 'z', shared: true },
] as never).execute()

type Db = typeof runtime
const noteIds = async (db: Db) => (await sql<{ id: string }>`select id from notes order by id`.execute(db)).rows.map((r) => r.id)
const insertNote = (db: Db, tenantId: string, organizationId: string) =>
  sql`insert into notes (tenant_id, organization_id, body) values (${tenantId}, ${organizationId}, 'new')`.execute(db)
const as = <T>(tenantId: string, user: keyof typeof users, work: (db: Db) => Promise<T>) => withTenantContext(runtime, tenantId, users[user], work)

t.test('the helper checks the required columns', async (t) => {
  await sql`create table bare_notes (id uuid primary key, tenant_id text not null, organization_id uuid not null)`.execute(database.superuser)
  t.teardown(() => sql`drop table bare_notes`.execute(database.superuser))
  await t.rejects(applyEntityIsolation(database.superuser, { type: 'bare_note', table: 'bare_notes' }, defaultRoleNames),
    /entity table bare_notes: no column created_by uuid; no column created_at timestamp with time zone; no column updated_at/)
})

t.test('the composite key ties a note to an organization of its own tenant', async (t) => {
  t.equal(await errorCode(insertNote(database.superuser, 'aaaaaa', orgs.z)), '23503', 'tenant A note in a tenant B organization is refused')
  const { rows: [org] } = await sql<{ deleted: string }>`
    select confdeltype as deleted from pg_constraint where conname = 'notes_organization_fkey'`.execute(database.superuser)
  t.equal(org?.deleted, 'c', 'on delete cascade')
})

t.test('no context: no rows, and writes fail', async (t) => {
  t.same(await noteIds(runtime), [])
  t.equal(await errorCode(insertNote(runtime, 'aaaaaa', orgs.x)), '42501', 'insert refused')
  const updated = await sql`update notes set body = 'hacked'`.execute(runtime)
  t.equal(updated.numAffectedRows, 0n, 'update touches nothing')
})

t.test('another tenant sees and touches nothing', async (t) => {
  await as('bbbbbb', 'carol', async (db) => {
    t.same(await noteIds(db), [ids.z], 'only its own tenant')
    const updated = await sql`update notes set body = 'hacked' where tenant_id = 'aaaaaa'`.execute(db)
    t.equal(updated.numAffectedRows, 0n)
  })
  t.equal(await errorCode(as('bbbbbb', 'carol', (db) => insertNote(db, 'aaaaaa', orgs.x))), '42501', 'insert into tenant A refused')
})

t.test('a non-member of an organization sees nothing of it; a member sees their organizations only', async (t) => {
  t.same(await as('aaaaaa', 'bob', noteIds), [ids.y], 'bob (admin of Y only) sees Y')
  t.equal(await errorCode(as('aaaaaa', 'bob', (db) => insertNote(db, 'aaaaaa', orgs.x))), '42501', 'bob cannot write into X')
  t.same(await as('aaaaaa', 'dave', noteIds), [ids.xDave, ids.xAlice, ids.xShared].sort(), 'dave (member of X) sees X only')
  t.equal(await errorCode(as('aaaaaa', 'dave', (db) => insertNote(db, 'aaaaaa', orgs.x))), 'no error', 'a member creates (create: true)')
})

t.test('the declared rules: update only as assignee or admin, delete only as admin', async (t) => {
  await as('aaaaaa', 'dave', async (db) => {
    const other = await sql`update notes set body = 'mine now' where id = ${ids.xAlice}`.execute(db)
    t.equal(other.numAffectedRows, 0n, 'a member cannot update a note assigned to someone else')
    const own = await sql`update notes set body = 'edited' where id = ${ids.xDave}`.execute(db)
    t.equal(own.numAffectedRows, 1n, 'the assignee updates their note')
    const deleted = await sql`delete from notes where id = ${ids.xDave}`.execute(db)
    t.equal(deleted.numAffectedRows, 0n, 'a member cannot delete (delete: false)')
  })
  t.equal(await errorCode(as('aaaaaa', 'dave', (db) => sql`update notes set assignee = ${users.alice} where id = ${ids.xDave}`.execute(db))),
    '42501', 'the assignee cannot hand the note to someone else (WITH CHECK)')
  await as('aaaaaa', 'alice', async (db) => {
    const updated = await sql`update notes set body = 'admin edit' where id = ${ids.xDave}`.execute(db)
    t.equal(updated.numAffectedRows, 1n, 'an org admin updates any note')
  })
})

t.test('immutable columns: ST400', async (t) => {
  t.equal(await errorCode(as('aaaaaa', 'alice', (db) => sql`update notes set organization_id = ${orgs.y} where id = ${ids.xAlice}`.execute(db))), 'ST400')
  t.equal(await errorCode(sql`update notes set id = ${uuid()} where id = ${ids.xAlice}`.execute(database.superuser)), 'ST400', 'even for the owner')
})

t.test('public context: the declared public read of one tenant only', async (t) => {
  t.same(await withPublicContext(runtime, 'aaaaaa', noteIds), [ids.xShared, ids.y].sort())
  t.equal(await errorCode(withPublicContext(runtime, 'aaaaaa', (db) => insertNote(db, 'aaaaaa', orgs.x))), '42501', 'no writes')
  t.same(await withContext(runtime, { kind: 'user', userId: users.alice }, noteIds), [], 'the user context reads no notes')
})

t.test('the entity catalog row and the outbox trigger (notify source)', async (t) => {
  const row = await sql<{ entity_type: string; table_name: string; public_read: string | null; member_read: string; read_owner: string | null }>`
    select * from app.entity_types where entity_type = 'note'`.execute(runtime)
  t.same(row.rows, [{ entity_type: 'note', table_name: 'notes', public_read: 'shared', member_read: 'all', read_owner: null }], 'readable by the runtime role, with the declared read rule')
  let recorded: unknown[] = []
  // Rolled back: nothing is sequenced into activities, the other tests see the table unchanged.
  await database.superuser.transaction().execute(async (trx) => {
    await sql`set local strata.sync_source = 'notify'`.execute(trx)
    await sql`update notes set body = 'noted' where id = ${ids.y}`.execute(trx)
    recorded = (await sql`select tenant_id, organization_id, entity_type, entity_id, action, changed_fields from activity_outbox`.execute(trx)).rows
    throw new Error('roll back')
  }).catch(() => {})
  t.same(recorded, [{ tenant_id: 'aaaaaa', organization_id: orgs.y, entity_type: 'note', entity_id: ids.y, action: 'update', changed_fields: ['body'] }])
})

t.test('catalog check: clean; a missing part is reported naming the entity', async (t) => {
  t.same(await checkCatalog(runtime), [], 'sound')
  await applyEntityIsolation(database.superuser, notes, defaultRoleNames)
  t.same(await checkCatalog(runtime), [], 'still sound after applying it again (idempotent)')

  await sql`drop policy notes_delete on notes`.execute(database.superuser)
  await sql`drop trigger notes_immutable_columns on notes`.execute(database.superuser)
  await sql`alter publication strata_pub drop table notes`.execute(database.superuser)
  await sql`revoke delete on notes from runtime_role`.execute(database.superuser)
  await sql`alter table notes replica identity default`.execute(database.superuser)
  await sql`drop trigger notes_record_change on notes`.execute(database.superuser)
  await sql`revoke select on notes from admin_role`.execute(database.superuser)
  const problems = await checkCatalog(runtime)
  for (const missing of ['no permissive DELETE policy', 'no immutability trigger on id, tenant_id, organization_id',
    'not in publication strata_pub', 'the runtime role lacks DELETE', 'replica identity is not full',
    "no app.record_change('note') trigger for inserts, updates and deletes",
    'the admin role lacks SELECT (a public replay cannot tell whether a row is public now)']) {
    t.ok(problems.includes(`entity note (notes): ${missing}`), missing)
  }
  t.notOk(problems.some((p) => p.startsWith('entity page')), 'other entities stay sound')
  t.same(await checkCatalog(runtime, { publication: false }).then((p) => p.filter((x) => x.includes('publication'))), [],
    'publication membership is not required of the notify source')
  t.ok((await checkCatalog(runtime, { registered: [{ type: 'task', table: 'tasks' }] }))
    .includes('entity task (tasks): not in app.entity_types (no migration applied its isolation)'), 'a registered entity without a migration')

  await applyEntityIsolation(database.superuser, notes, defaultRoleNames)
  t.same(await checkCatalog(runtime), [], 'the helper repairs it')
})

t.test('an author\'s migration joins the change feed\'s publication whatever its name (sync.publication)', async (t) => {
  // The operator replaced strata_pub with their own publication of Strata's tables; another
  // publication (e.g. for analytics) publishes some of them only.
  const custom = await testDatabase(t)
  await sql`drop publication strata_pub`.execute(custom.superuser)
  await sql`create publication custom_feed for table ${sql.raw(syncedTables.join(', '))}`.execute(custom.superuser)
  await sql`create publication analytics for table tenants, pages`.execute(custom.superuser)

  await createNotesTable(custom.superuser)
  const publishing = async () => (await sql<{ pubname: string }>`
    select pubname from pg_publication_tables where tablename = 'notes' order by pubname`.execute(custom.superuser)).rows.map((r) => r.pubname)
  t.same(await publishing(), ['custom_feed'], 'notes joined custom_feed, found by itself; not the analytics publication')

  const { app } = await build(t, { sync: { source: 'replication', slot: `slot_${custom.name}`, publication: 'custom_feed' }, cdcSecret: 'test-cdc-secret-0123456789', entities: [notes] }, { database: custom })
  t.same((await app.readiness.run()).checks.catalog, [], '/ready: every entity is in the configured publication')
  const { app: misconfigured } = await build(t, { sync: { source: 'replication', slot: `slot_${custom.name}_2` }, cdcSecret: 'test-cdc-secret-0123456789' }, { database: custom })
  t.ok((await misconfigured.readiness.run()).checks.catalog?.includes('entity note (notes): not in publication strata_pub'),
    'the option is what the catalog check reads')
})

t.test('without any publication of Strata\'s tables the helper says so', async (t) => {
  const bare = await testDatabase(t)
  await sql`drop publication strata_pub`.execute(bare.superuser)
  await t.rejects(createNotesTable(bare.superuser), /entity "note" \(notes\): no publication publishes Strata's tables \(tenants, .*\); migration 0004 creates strata_pub/)
})
