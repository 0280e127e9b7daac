import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { withContext } from '../../db/rls.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { applyEntityIsolation } from '../../entities/isolation.js'
import { CdcWorker } from '../../sync/cdc-worker.js'
import { eventually, testDatabase } from '../helper.js'

// The CDC worker loads no author code: an entity whose migration runs while it streams is learnt
// from app.entity_types when the stream first names its table; a published table that is no
// entity is reported once (not dropped in silence). Public replay covers every public-read entity.
const db = await testDatabase(t)
const su = db.superuser
const warnings: Array<{ obj: object; msg: string }> = []
const log = { info() {}, error() {}, warn: (obj: object, msg: string) => { warnings.push({ obj, msg }) } }
const worker = new CdcWorker({ databaseUrl: db.cdcUrl, slot: `slot_${db.name}`, publication: 'strata_pub', log })
await worker.start()
t.teardown(() => worker.stop())
const runtime = createKysely(createRuntimePool({ url: db.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

await su.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
const orgId = uuid()
await su.insertInto('organizations').values({ id: orgId, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()
const activitiesOf = (id: string) => su.selectFrom('activities').selectAll().where('entity_id', '=', id).orderBy('id').execute()

t.test('an entity added while the worker streams: its changes become activities of its type', async (t) => {
  await sql`
    create table notes (
      id uuid primary key default gen_random_uuid(), tenant_id text not null, organization_id uuid not null,
      body text not null, shared boolean not null default false,
      created_by uuid, created_at timestamptz not null default now(), updated_at timestamptz not null default now()
    )`.execute(su)
  await applyEntityIsolation(su, { type: 'note', table: 'notes', publicRead: { sql: 'shared' } }, defaultRoleNames)
  const id = uuid()
  await sql`insert into notes (id, tenant_id, organization_id, body, shared) values (${id}, 'aaaaaa', ${orgId}, 'hi', true)`.execute(su)
  await sql`update notes set body = 'hello' where id = ${id}`.execute(su)
  const rows = await eventually(async () => { const r = await activitiesOf(id); return r.length === 2 && r }, 10_000, 'two note activities')
  t.same(rows.map((r) => [r.entity_type, r.action, r.tenant_id, r.organization_id]),
    [['note', 'create', 'aaaaaa', orgId], ['note', 'update', 'aaaaaa', orgId]])
  t.same(rows[1]!.changed_fields, ['body'])

  // The public replay of tenant A holds it (a public-read entity), not an attachment's change.
  const attachment = uuid()
  await sql`insert into attachments (id, tenant_id, organization_id, filename, content_type, size, key)
    values (${attachment}, 'aaaaaa', ${orgId}, 'f', 'x', 1, 'k')`.execute(su)
  await eventually(async () => (await activitiesOf(attachment)).length === 1, 10_000, 'the attachment activity')
  const replay = await withContext(runtime, { kind: 'public', tenantId: 'aaaaaa' },
    (trx) => sql<{ entity_type: string }>`select entity_type from app.activities_for('', 1000)`.execute(trx))
  t.same([...new Set(replay.rows.map((r) => r.entity_type))], ['note'], 'public replay: the public-read entity only')
  t.same(warnings, [], 'nothing unknown')
})

t.test('a published table that is no entity: warned about once, no activity', async (t) => {
  await sql`create table stray (id uuid primary key, tenant_id text); alter publication strata_pub add table stray`.execute(su)
  await sql`insert into stray values (${uuid()}, 'aaaaaa'), (${uuid()}, 'aaaaaa')`.execute(su)
  await sql`insert into stray values (${uuid()}, 'aaaaaa')`.execute(su)
  // a later known change proves the stray ones were passed
  const id = uuid()
  await sql`insert into notes (id, tenant_id, organization_id, body) values (${id}, 'aaaaaa', ${orgId}, 'after')`.execute(su)
  await eventually(async () => (await activitiesOf(id)).length === 1, 10_000, 'the note after the stray rows')
  t.same(warnings.map((w) => w.obj), [{ table: 'public.stray' }], 'one warning naming the table')
  t.equal(await su.selectFrom('activities').where('entity_type', 'not in', ['note', 'attachment', 'organization', 'tenant']).select('id').execute().then((r) => r.length), 0)
})
