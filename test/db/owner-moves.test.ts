import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../../db/connection.js'
import { type RlsContext, withContext } from '../../db/rls.js'
import type { AnyEntity } from '../../entities/definition.js'
import { as, eventually, syncOptions, testDatabase } from '../helper.js'
import { createNotesTable, notes } from '../entities/notes.js'
import { world } from '../routes/world.js'

// An owner move as the database hands it out (migration 0020), probed as the runtime role through
// `app.activities_for` in each stream context, whatever the API does afterwards: the previous owner
// gets a bare delete, and who held the row reaches no other context. Notes: members read only the
// rows they own; shared notes are public (so the public context reads the notes' activities at all).

const ownedNotes: AnyEntity = { ...notes, rules: { create: true, read: { ownedBy: 'created_by' }, update: { ownedBy: 'assignee' }, delete: false } }
const database = await testDatabase(t)
await createNotesTable(database.superuser, ownedNotes)
await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
const w = await world(t, { ...syncOptions(database, 'notify'), entities: [ownedNotes] }, { database })
// Connected after the database was set to the notify source (a session reads it when it starts).
const psql = createKysely(createPool({ url: database.superuserUrl, max: 2 }))
t.teardown(() => psql.destroy())
const runtime = createKysely(createPool({ url: database.runtimeUrl, max: 2 }))
t.teardown(() => runtime.destroy())
const { users, orgs } = w
await psql.insertInto('memberships').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, user_id: users.bob.user.id, role: 'member' }).execute()

// Dave's private note (never shared) goes to carol (a user of tenant B), then to bob.
const id = (await as(w.app, users.dave)('POST', '/aaaaaa/org-x/notes', { body: 'private' })).json().id as string
await sql`update notes set created_by = ${users.carol.user.id} where id = ${id}`.execute(psql)
await sql`update notes set created_by = ${users.bob.user.id}, body = 'bob now' where id = ${id}`.execute(psql)
await eventually(async () => (await psql.selectFrom('activities').select('id').where('entity_id', '=', id).execute()).length === 3, 10_000, 'the activities')

interface Seen { action: string; changed_fields: string[] | null; left_owner: string | null; row_data: { body?: string } | null }
const seen = (context: RlsContext) => withContext(runtime, context, async (trx) =>
  (await sql<Seen>`select action, changed_fields, left_owner, row_data from app.activities_for('', 10000) where entity_id = ${id} order by id`.execute(trx)).rows, { readOnly: true })

t.test('the runtime role cannot call app.left_owner', async (t) => {
  const result = await sql`select app.left_owner('note', '{}'::jsonb, '{"x":1}'::jsonb)`.execute(runtime).then(() => 'allowed', (e: Error) => e.message)
  t.match(result, /permission denied/)
})

t.test('the previous owner: a delete, with no image and no changed fields, for the move away from them only', async (t) => {
  const rows = await seen({ kind: 'user', userId: users.dave.user.id })
  t.same(rows.map((r) => [r.action, r.changed_fields, r.row_data?.body ?? null, r.left_owner]),
    [['create', null, 'private', null], ['delete', null, null, users.dave.user.id]], 'their create, the move as a delete, nothing after')
})

t.test('no other context learns who held the row', async (t) => {
  const contexts: Array<[string, RlsContext]> = [
    ['the new owner (bob)', { kind: 'user', userId: users.bob.user.id }],
    ['an org admin (alice)', { kind: 'user', userId: users.alice.user.id }],
    ['a system admin', { kind: 'user', userId: users.sys.user.id }],
    ['the tenant context of an admin', { kind: 'tenant', tenantId: 'aaaaaa', userId: users.alice.user.id }],
    ['the public context', { kind: 'public', tenantId: 'aaaaaa' }],
    ['the holder in between, of another tenant (carol)', { kind: 'user', userId: users.carol.user.id }],
  ]
  for (const [who, context] of contexts) {
    const rows = await seen(context)
    t.same(rows.filter((r) => r.left_owner !== null), [], `${who}: no previous owner (${rows.length} activities)`)
  }
  const admin = await seen({ kind: 'user', userId: users.alice.user.id })
  t.same(admin.map((r) => r.action), ['create', 'update', 'update'], 'the admin reads every change as it was')
  t.same((await seen({ kind: 'user', userId: users.bob.user.id })).map((r) => [r.action, r.row_data?.body]), [['update', 'bob now']], 'the new owner: the change that gave it, with its image')
})

t.test('the sync context (the API\'s own feed) keeps every previous owner', async (t) => {
  const rows = await withContext(runtime, { kind: 'sync' }, async (trx) =>
    (await sql<Seen>`select action, left_owner from app.activities_after('', 10000) where entity_id = ${id} order by id`.execute(trx)).rows, { readOnly: true })
  t.same(rows.map((r) => r.left_owner), [null, users.dave.user.id, users.carol.user.id])
})

t.test('the change log read directly: a member sees only rows they may read, and no image or previous owner at all', async (t) => {
  const direct = (userId: string) => withContext(runtime, { kind: 'tenant', tenantId: 'aaaaaa', userId }, async (trx) =>
    (await trx.selectFrom('activities').select(['action', 'changed_fields']).where('entity_id', '=', id).orderBy('id').execute()), { readOnly: true })
  t.same((await direct(users.dave.user.id)).map((r) => r.action), ['create'], 'dave: his create, not the moves away (the row as it became is not his)')
  t.same((await direct(users.bob.user.id)).map((r) => r.action), ['update'], 'bob: the change that gave it to him')
  t.same((await direct(users.alice.user.id)).map((r) => r.action), ['create', 'update', 'update'], 'the admin: all')
  for (const column of ['row_data', 'left_owner'] as const) {
    const code = await withContext(runtime, { kind: 'tenant', tenantId: 'aaaaaa', userId: users.alice.user.id }, (trx) =>
      trx.selectFrom('activities').select(column).execute(), { readOnly: true }).then(() => 'read', (e: { code?: string }) => e.code)
    t.equal(code, '42501', `${column}: not the runtime role's to read, even for an admin`)
  }
})
