import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { checkCatalog } from '../../db/catalog.js'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { type ScopedDb, withContext, withPublicContext, withTenantContext, withUserContext } from '../../db/rls.js'
import type { AnyEntity } from '../../entities/definition.js'
import { createNotesTable, notes } from '../entities/notes.js'
import { testDatabase } from '../helper.js'
import { seedTenants } from './fixtures.js'

// Migration 0018 (SPEC §4.6): the change log's row images reach a context only where it may read
// the row as it was. Probed as the runtime role through `app.activities_for`, whatever the API
// filters afterwards: a member never gets another member's owner-only rows (nor their ids), the
// public context only images that were public.

/** Notes members read only when they wrote them; shared notes are public. */
const privateNotes: AnyEntity = { ...notes, rules: { create: true, read: { ownedBy: 'created_by' }, update: { ownedBy: 'assignee' }, delete: false } }

const database = await testDatabase(t)
const su = database.superuser
const world = await seedTenants(su)
await createNotesTable(su, privateNotes)
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

/** An activity as the sync engine records it, with its row image. */
let position = 0
async function recorded(entityType: string, action: 'create' | 'update' | 'delete', row: Record<string, unknown>, changed: string[] | null = null, leftPublic = false) {
  const id = `${(++position).toString(16).toUpperCase().padStart(16, '0')}-000000`
  await su.insertInto('activities').values({
    id, tenant_id: row.tenant_id as string, organization_id: row.organization_id as string, user_id: null, entity_type: entityType,
    entity_id: row.id as string, action, seq: position, changed_fields: changed, row_data: JSON.stringify(row), left_public: leftPublic,
  }).execute()
  return id
}
const noteRow = (by: string, body: string, shared = false) =>
  ({ id: uuid(), tenant_id: 'aaaaaa', organization_id: world.orgs.x, body, assignee: null, shared, created_by: by })
const davesNote = noteRow(world.users.dave, 'dave\'s own')
const alicesNote = noteRow(world.users.alice, 'alice only')
const draft = { ...noteRow(world.users.alice, 'written while private'), shared: false }
await recorded('note', 'create', davesNote)
await recorded('note', 'create', alicesNote)
await recorded('note', 'create', draft)
await recorded('note', 'update', { ...draft, body: 'published text', shared: true }, ['body', 'shared'])
await recorded('note', 'delete', alicesNote)
// Public when written, made private later (the change that took it out of the public view).
const withdrawn = noteRow(world.users.alice, 'public once', true)
await recorded('note', 'create', withdrawn)
await recorded('note', 'update', { ...withdrawn, body: 'private now', shared: false }, ['body', 'shared'], true)
await recorded('note', 'update', { ...withdrawn, body: 'still private', shared: false }, ['body'])
await recorded('note', 'update', { ...davesNote, body: 'dave\'s edit' }, ['body'])
// The rows as they are now (alice's note is gone).
const rowsNow = [{ ...davesNote, body: 'dave\'s edit' }, { ...draft, body: 'published text', shared: true }, { ...withdrawn, body: 'still private', shared: false }]
await sql`insert into notes (id, tenant_id, organization_id, body, assignee, shared, created_by)
  select id, tenant_id, organization_id, body, assignee, shared, created_by from jsonb_populate_recordset(null::notes, ${JSON.stringify(rowsNow)}::jsonb)`.execute(su)

type Seen = Array<{ entity_id: string; action: string; changed_fields: string[] | null; row_data: { body?: string } | null }>
const read = (trx: ScopedDb) => sql<Seen[number]>`select entity_id, action, changed_fields, row_data from app.activities_for('', 1000)`.execute(trx)
  .then(({ rows }) => rows.filter((r) => [davesNote.id, alicesNote.id, draft.id, withdrawn.id].includes(r.entity_id)))
const bodies = (rows: Seen) => rows.map((r) => [r.entity_id, r.action, r.row_data?.body ?? null])

t.test('a plain member: their own rows with images, nothing of others\' owner-only rows', async (t) => {
  for (const context of ['user', 'tenant'] as const) {
    const rows = context === 'user'
      ? await withUserContext(runtime, world.users.dave, read)
      : await withTenantContext(runtime, 'aaaaaa', world.users.dave, read)
    t.same(bodies(rows), [[davesNote.id, 'create', 'dave\'s own'], [davesNote.id, 'update', 'dave\'s edit']], `${context} context`)
  }
})

t.test('the organization\'s admin and a system admin: every row, every image', async (t) => {
  const expected = [
    [davesNote.id, 'create', 'dave\'s own'], [alicesNote.id, 'create', 'alice only'], [draft.id, 'create', 'written while private'],
    [draft.id, 'update', 'published text'], [alicesNote.id, 'delete', 'alice only'], [withdrawn.id, 'create', 'public once'],
    [withdrawn.id, 'update', 'private now'], [withdrawn.id, 'update', 'still private'], [davesNote.id, 'update', 'dave\'s edit'],
  ]
  t.same(bodies(await withTenantContext(runtime, 'aaaaaa', world.users.alice, read)), expected, 'org admin')
  t.same(bodies(await withUserContext(runtime, world.users.sys, read)), expected, 'system admin')
})

t.test('the public context: changes of rows public now, images only where the row as changed was public', async (t) => {
  const rows = await withPublicContext(runtime, 'aaaaaa', read)
  t.same(bodies(rows.filter((r) => r.entity_id === draft.id)), [[draft.id, 'create', null], [draft.id, 'update', 'published text']],
    'the private past of a row published later stays hidden')
  t.notOk(rows.some((r) => r.row_data?.body === 'alice only' || r.row_data?.body?.startsWith('dave')), 'no private row\'s image at all')
  // Migration 0022: a row that was never public is not even named, and a withdrawn one is a bare delete.
  t.same(rows.filter((r) => r.entity_id === davesNote.id || r.entity_id === alicesNote.id), [],
    'rows never public: no activity at all (not their ids, actions or changed fields)')
  t.same(rows.filter((r) => r.entity_id === withdrawn.id).map((r) => [r.action, r.changed_fields, r.row_data]), [['delete', null, null]],
    'a row made private: the change that took it out, as a delete without image or changed fields; nothing before or after it')
  t.same(rows.find((r) => r.entity_id === draft.id && r.action === 'update')?.changed_fields, ['body', 'shared'], 'a public row\'s change keeps its changed fields')
  t.same(bodies(await withPublicContext(runtime, 'bbbbbb', read)), [], 'another tenant\'s public context: nothing')
})

t.test('no context, another tenant\'s member: nothing', async (t) => {
  t.same(bodies(await withContext(runtime, { kind: 'sync' }, (trx) => sql<Seen[number]>`select entity_id, action, row_data from app.activities_for('', 1000)`.execute(trx).then((r) => r.rows))), [],
    'the sync context reads the log through activities_after, not this')
  t.same(bodies(await withTenantContext(runtime, 'bbbbbb', world.users.carol, read)), [], 'carol (tenant B)')
  t.equal((await sql`select app.row_for_reader('note', ${world.orgs.x}::uuid, '{}'::jsonb)`.execute(runtime).then(() => 'granted', (e: { code?: string }) => e.code)), '42501',
    'the runtime role cannot call the image filter itself')
})

t.test('the catalog check compares the recorded read rule with the declaration', async (t) => {
  t.same((await checkCatalog(runtime, { registered: [privateNotes] })).filter((p) => p.includes('note')), [], 'as declared')
  const loosened: AnyEntity = { ...privateNotes, rules: { ...privateNotes.rules!, read: true } }
  t.match((await checkCatalog(runtime, { registered: [loosened] })).filter((p) => p.includes('note')),
    [/entity note \(notes\): app\.entity_types records members' read as owned \(created_by\), the declaration as all/])
})
