import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { type ScopedDb, withContext, withPublicContext } from '../../db/rls.js'
import { errorCode, seedTenants } from '../db/fixtures.js'
import { testDatabase } from '../helper.js'

// Attacks on migration 0022 (app.activities_for in the public RLS context, app.row_public_now),
// probed as the runtime role: what an anonymous reader of one tenant may replay.

const database = await testDatabase(t)
const su = database.superuser
const world = await seedTenants(su)
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

let position = 0
async function recorded(entityType: string, action: 'create' | 'update' | 'delete', row: Record<string, unknown>,
  opts: { changed?: string[] | null; leftPublic?: boolean; tenant?: string; entityId?: string; userId?: string | null } = {}) {
  const id = `A${(++position).toString(16).toUpperCase().padStart(15, '0')}-000000`
  await su.insertInto('activities').values({
    id, tenant_id: opts.tenant ?? row.tenant_id as string, organization_id: row.organization_id as string, user_id: opts.userId ?? null,
    entity_type: entityType, entity_id: opts.entityId ?? row.id as string, action, seq: position, changed_fields: opts.changed ?? null,
    row_data: JSON.stringify(row), left_public: opts.leftPublic ?? false,
  }).execute()
  return id
}

type Row = { id: string; entity_type: string; entity_id: string; action: string; changed_fields: string[] | null; row_data: Record<string, unknown> | null; left_owner: string | null; user_id: string | null }
const replay = (tenant: string) => withPublicContext(runtime, tenant,
  (trx: ScopedDb) => sql<Row>`select * from app.activities_for('', 10000)`.execute(trx).then((r) => r.rows))
const named = (rows: Row[], id: string) => rows.filter((r) => r.entity_id === id || JSON.stringify(r).includes(id))

const pageRow = (org: 'x' | 'y' | 'z', title: string, pub: boolean, extra: Record<string, unknown> = {}) => ({
  id: uuid(), tenant_id: org === 'z' ? 'bbbbbb' : 'aaaaaa', organization_id: world.orgs[org], title,
  status: 'published', public_access: pub, created_by: world.users.alice, ...extra,
})
async function insertPage(row: ReturnType<typeof pageRow>) {
  await su.insertInto('pages').values(row as never).execute()
}

t.test('another tenant\'s public row, named by an activity of this tenant: not public here', async (t) => {
  // A page public in tenant B; an activity recorded under tenant A that names its id.
  const b = pageRow('z', 'public in B', true)
  await insertPage(b)
  await recorded('page', 'create', { ...b, tenant_id: 'aaaaaa', organization_id: world.orgs.x, title: 'forged into A' }, { tenant: 'aaaaaa' })
  const a = await replay('aaaaaa')
  t.same(named(a, b.id), [], 'tenant A\'s public replay does not name a row public only in tenant B')
  const inB = await replay('bbbbbb')
  t.same(named(inB, b.id), [], 'and B does not get A\'s activity either')
})

t.test('the same public_read in two tenants: each public context gets only its own', async (t) => {
  const a = pageRow('x', 'public in A', true)
  const b = pageRow('z', 'public in B (2)', true)
  await insertPage(a)
  await insertPage(b)
  await recorded('page', 'create', a)
  await recorded('page', 'create', b)
  const inA = await replay('aaaaaa')
  const inB = await replay('bbbbbb')
  t.equal(named(inA, a.id).length, 1, 'A sees its public page')
  t.same(named(inA, b.id), [], 'A does not see B\'s')
  t.equal(named(inB, b.id).length, 1, 'B sees its public page')
  t.same(named(inB, a.id), [], 'B does not see A\'s')
})

t.test('a row never public: none of its activities named (create, updates with changed fields, delete)', async (t) => {
  const secret = pageRow('x', 'never public', false)
  await insertPage(secret)
  await recorded('page', 'create', secret)
  await recorded('page', 'update', { ...secret, title: 'secret edit' }, { changed: ['title'] })
  // A published draft that is public_access but status draft: public_read is the conjunction.
  const draft = pageRow('x', 'draft but public_access', true, { status: 'draft' })
  await insertPage(draft)
  await recorded('page', 'create', draft)
  // A deleted private row (gone from the table, never public).
  const gone = pageRow('x', 'deleted private', false)
  await recorded('page', 'create', gone)
  await recorded('page', 'delete', gone)
  const rows = await replay('aaaaaa')
  t.same(named(rows, secret.id), [], 'private page: nothing')
  t.same(named(rows, draft.id), [], 'draft with public_access: nothing')
  t.same(named(rows, gone.id), [], 'deleted private page: nothing, not even a delete')
})

t.test('a deleted public row: one bare delete, nothing of its history', async (t) => {
  const p = pageRow('x', 'public then deleted', true)
  await recorded('page', 'create', p)
  await recorded('page', 'update', { ...p, title: 'edited' }, { changed: ['title'] })
  await recorded('page', 'delete', p, { leftPublic: true })
  const rows = named(await replay('aaaaaa'), p.id)
  t.same(rows.map((r) => [r.action, r.changed_fields, r.row_data, r.left_owner]), [['delete', null, null, null]])
})

t.test('private → public → private → public: no image from a private period', async (t) => {
  const p = pageRow('x', 'first public', true)
  await recorded('page', 'create', p)
  await recorded('page', 'update', { ...p, title: 'private secret title', public_access: false }, { changed: ['title', 'public_access'], leftPublic: true })
  await recorded('page', 'update', { ...p, title: 'another secret', public_access: false }, { changed: ['title'] })
  await recorded('page', 'update', { ...p, title: 'public again', public_access: true }, { changed: ['title', 'public_access'] })
  await insertPage({ ...p, title: 'public again', public_access: true })
  const rows = named(await replay('aaaaaa'), p.id)
  t.notOk(JSON.stringify(rows).includes('secret'), 'no private title anywhere')
  t.same(rows.filter((r) => r.row_data && (r.row_data as { public_access?: boolean }).public_access === false), [], 'no private image')
  t.ok(rows.some((r) => r.action === 'delete' && r.row_data === null && r.changed_fields === null), 'the withdrawal is a bare delete')
  t.ok(rows.some((r) => (r.row_data as { title?: string } | null)?.title === 'public again'), 'the republication with its image')
})

t.test('row made private now: nothing of its public past, nothing after, one bare delete', async (t) => {
  const p = pageRow('x', 'was public', true)
  await recorded('page', 'create', p)
  await recorded('page', 'update', { ...p, public_access: false }, { changed: ['public_access'], leftPublic: true })
  await recorded('page', 'update', { ...p, public_access: false, title: 'private edit' }, { changed: ['title'] })
  await insertPage({ ...p, public_access: false, title: 'private edit' })
  const rows = named(await replay('aaaaaa'), p.id)
  t.same(rows.map((r) => [r.action, r.changed_fields, r.row_data]), [['delete', null, null]])
})

t.test('memberships, invitations, organizations: nothing in the public context', async (t) => {
  const org = { id: world.orgs.x, tenant_id: 'aaaaaa', organization_id: world.orgs.x, name: 'X' }
  await recorded('organization', 'update', org, { changed: ['name'] })
  await recorded('membership', 'create', { id: uuid(), tenant_id: 'aaaaaa', organization_id: world.orgs.x, user_id: world.users.dave, role: 'member' }, { userId: world.users.dave })
  await recorded('invitation', 'create', { id: uuid(), tenant_id: 'aaaaaa', organization_id: world.orgs.x, email: 'x@example.com' }, { userId: null })
  await recorded('attachment', 'create', { id: world.attachments.x, tenant_id: 'aaaaaa', organization_id: world.orgs.x })
  const rows = await replay('aaaaaa')
  t.same(rows.filter((r) => r.entity_type !== 'page'), [], 'only entities with a public read')
})

/** A fresh database with tenant A's public page and the given extra activities (their own clone: they may poison it). */
async function poisoned(t: Test, extra: (w: Awaited<ReturnType<typeof seedTenants>>, pub: Record<string, unknown>) => Record<string, unknown>[]) {
  const db = await testDatabase(t)
  const w = await seedTenants(db.superuser)
  const rt = createKysely(createRuntimePool({ url: db.runtimeUrl, max: 1 }))
  t.teardown(() => rt.destroy())
  const pub = { id: uuid(), tenant_id: 'aaaaaa', organization_id: w.orgs.x, title: 'p', status: 'published', public_access: true, created_by: w.users.alice }
  await db.superuser.insertInto('pages').values(pub as never).execute()
  await db.superuser.insertInto('activities').values([
    { id: 'B000000000000002-000000', tenant_id: 'aaaaaa', organization_id: w.orgs.x, entity_type: 'page', entity_id: pub.id, action: 'create', seq: 2, row_data: JSON.stringify(pub) },
    ...extra(w, pub),
  ] as never).execute()
  const read = (tenant = 'aaaaaa') => withPublicContext(rt, tenant, (trx) => sql<Row>`select * from app.activities_for('', 100)`.execute(trx))
    .then((r) => r.rows, (e: { code?: string }) => e.code ?? 'error')
  return { pub, read, db }
}

t.test('an entity id with quotes (SQL injection through format %L) is not interpreted', async (t) => {
  const { pub, read } = await poisoned(t, (w, pub) => [
    { id: 'B000000000000001-000000', tenant_id: 'aaaaaa', organization_id: w.orgs.x, entity_type: 'page', entity_id: `${pub.id}' or true or '`, action: 'update', seq: 1, row_data: null },
  ])
  const result = await read()
  // The quotes stay inside the literal: not a uuid, so no row, and the replay goes on.
  t.ok(Array.isArray(result), `the replay answers (${Array.isArray(result) ? 'rows' : result})`)
  if (Array.isArray(result)) {
    t.notOk(result.some((r) => r.entity_id.includes('or true')), 'the injected "or true" named nothing')
    t.ok(result.some((r) => r.entity_id === pub.id), 'the public page is still replayed')
  }
})

t.test('an activity whose entity id is not a uuid does not break the tenant\'s public replay', async (t) => {
  const { pub, read } = await poisoned(t, (w) => [
    { id: 'B000000000000001-000000', tenant_id: 'aaaaaa', organization_id: w.orgs.x, entity_type: 'page', entity_id: 'not-a-uuid', action: 'update', seq: 1, row_data: null },
  ])
  const result = await read()
  t.ok(Array.isArray(result), `replay answers rather than failing (${Array.isArray(result) ? 'rows' : result})`)
  if (Array.isArray(result)) t.ok(result.some((r) => r.entity_id === pub.id), 'the public page is still replayed')
})

t.test('a malformed activity of tenant B does not break tenant A\'s public replay', async (t) => {
  const { pub, read } = await poisoned(t, (w) => [
    { id: 'B000000000000001-000000', tenant_id: 'bbbbbb', organization_id: w.orgs.z, entity_type: 'page', entity_id: 'not-a-uuid', action: 'update', seq: 1, row_data: null },
  ])
  const result = await read()
  t.ok(Array.isArray(result), `A's replay answers (${Array.isArray(result) ? 'rows' : result})`)
  if (Array.isArray(result)) t.ok(result.some((r) => r.entity_id === pub.id), 'A\'s public page is still replayed')
})

t.test('a suspended tenant: its public replay is empty, even for public rows', async (t) => {
  const { pub, read, db } = await poisoned(t, () => [])
  const rows = await read()
  t.ok(Array.isArray(rows) && rows.some((r) => r.entity_id === pub.id), 'active: replayed (the probe works)')
  for (const status of ['suspended', 'archived'] as const) {
    await db.superuser.updateTable('tenants').set({ status }).where('id', '=', 'aaaaaa').execute()
    t.same(await read(), [], `${status}: nothing`)
  }
})

t.test('the runtime role cannot call app.row_public_now (an oracle that bypasses RLS)', async (t) => {
  const p = pageRow('x', 'oracle', false)
  await insertPage(p)
  t.equal(await errorCode(sql`select app.row_public_now('page', 'aaaaaa', ${p.id})`.execute(runtime)), '42501', 'no context')
  t.equal(await errorCode(withPublicContext(runtime, 'aaaaaa', (trx) => sql`select app.row_public_now('page', 'aaaaaa', ${p.id})`.execute(trx))), '42501', 'public context')
  t.equal(await errorCode(withContext(runtime, { kind: 'tenant', tenantId: 'bbbbbb', userId: world.users.carol },
    (trx) => sql`select app.row_public_now('page', 'aaaaaa', ${p.id})`.execute(trx))), '42501', 'another tenant\'s member')
  t.equal(await errorCode(sql`select app.row_public_now('page', 'aaaaaa', ${p.id})`.execute(createKysely(createRuntimePool({ url: database.cdcUrl, max: 1 })))), '42501', 'the CDC role neither')
})

t.test('the runtime role cannot read activities\' private columns in the public context directly', async (t) => {
  const p = pageRow('x', 'direct read', false)
  await recorded('page', 'create', p)
  const rows = await withPublicContext(runtime, 'aaaaaa', (trx) =>
    sql<{ entity_id: string }>`select entity_id from activities where entity_id = ${p.id}`.execute(trx)).then((r) => r.rows, () => [])
  t.same(rows, [], 'the private page\'s activity is not readable from the table either')
})

t.test('a public-read table the admin role cannot read: reported by the catalog check, and the public replay is not silently wrong', async (t) => {
  const { checkCatalog } = await import('../../db/catalog.js')
  const { defaultRoleNames } = await import('../../db/role-names.js')
  const { createNotesTable, notes } = await import('../entities/notes.js')
  const db = await testDatabase(t)
  const w = await seedTenants(db.superuser)
  await createNotesTable(db.superuser)
  const rt = createKysely(createRuntimePool({ url: db.runtimeUrl, max: 1 }))
  t.teardown(() => rt.destroy())
  t.same((await checkCatalog(rt, { registered: [notes] })).filter((p) => p.includes('note')), [], 'as applied: no problem')
  await sql`revoke select on notes from ${sql.id(defaultRoleNames.admin)}`.execute(db.superuser)
  t.match((await checkCatalog(rt, { registered: [notes] })).filter((p) => p.includes('note')), [/admin role lacks SELECT/], 'reported')
  // A private note's activity: with the grant gone the replay must fail loudly or hide it, never name it.
  const note = { id: uuid(), tenant_id: 'aaaaaa', organization_id: w.orgs.x, body: 'secret', assignee: null, shared: false, created_by: w.users.alice }
  await db.superuser.insertInto('activities').values({ id: 'D000000000000001-000000', tenant_id: 'aaaaaa', organization_id: w.orgs.x, entity_type: 'note', entity_id: note.id, action: 'create', seq: 1, row_data: JSON.stringify(note) } as never).execute()
  const result = await withPublicContext(rt, 'aaaaaa', (trx) => sql<Row>`select * from app.activities_for('', 100)`.execute(trx)).then((r) => r.rows, (e: { code?: string }) => e.code)
  t.ok(!Array.isArray(result) || !result.some((r) => r.entity_id === note.id), `the private note is not named (${Array.isArray(result) ? 'rows' : result})`)
})

t.test('(metadata) a row public now: its changes made while it was private carry no changed fields', async (t) => {
  // docs/streams.md: "nothing written while private reaches the public". A live public stream never
  // got these changes (the row was private then); a replay names them, and with which columns changed.
  const p = pageRow('x', 'draft', false)
  await recorded('page', 'create', p)
  await recorded('page', 'update', { ...p, title: 'draft 2', content: 'x' }, { changed: ['title', 'content'] })
  await recorded('page', 'update', { ...p, title: 'published', public_access: true }, { changed: ['title', 'public_access'] })
  await insertPage({ ...p, title: 'published', public_access: true })
  const rows = named(await replay('aaaaaa'), p.id)
  t.same(rows.filter((r) => r.row_data === null).map((r) => [r.action, r.changed_fields]).filter(([, c]) => c !== null), [],
    'no changed fields of a change made while private')
})
