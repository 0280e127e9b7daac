import { spawnSync } from 'node:child_process'
import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { z } from 'zod'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { withContext, withTenantContext } from '../../db/rls.js'
import { checkEntities } from '../../entities/catalog.js'
import { type EntityRow, type FieldVersionsOption, defineEntity } from '../../entities/definition.js'
import { stxOf } from '../../entities/field-versions.js'
import { applyEntityIsolation, applyFieldVersions } from '../../entities/isolation.js'
import { pages } from '../../entities/pages.js'
import { type SignedIn, as, eventually, syncOptions, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'

// Field versions (issue 17): two entities of one shape, one per stale-write policy, declared and
// migrated as an author would (the tasks example stays without: the conformance suite compares
// its reads with the bare DTO).
interface CardRow extends EntityRow { title: string; body: string; done: boolean }
const cardEntity = (type: string, table: string, fieldVersions: FieldVersionsOption) => defineEntity({
  type,
  table,
  dto: z.object({ id: z.uuid(), title: z.string(), body: z.string(), done: z.boolean() }),
  create: z.object({ title: z.string().min(1), body: z.string().default(''), done: z.boolean().default(false) }),
  update: z.object({ title: z.string().min(1).optional(), body: z.string().optional(), done: z.boolean().optional() }),
  toDto: (row: CardRow) => ({ id: row.id, title: row.title, body: row.body, done: row.done }),
  toColumns: (body: { title?: string; body?: string; done?: boolean }) => ({
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.body !== undefined ? { body: body.body } : {}),
    ...(body.done !== undefined ? { done: body.done } : {}),
  }),
  list: { sort: { createdAt: 'created_at' } },
  fieldVersions,
})
const cards = cardEntity('card', 'cards', { onStale: 'reject' })
const memos = cardEntity('memo', 'memos', { onStale: 'lastWriterWins' })
// Declared with field versions, migrated without their columns: the catalog check must say so.
const bare = cardEntity('bare_card', 'bare_cards', { onStale: 'reject' })

const database = await testDatabase(t)
for (const entity of [cards, memos, bare]) {
  await sql`create table ${sql.table(entity.table)} (
    id uuid primary key, tenant_id text not null, organization_id uuid not null,
    title text not null, body text not null default '', done boolean not null default false,
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(database.superuser)
  await applyEntityIsolation(database.superuser, entity, defaultRoleNames)
  if (entity !== bare) await applyFieldVersions(database.superuser, entity)
}
// Notify source: the change log (`activities`) is written, so a replay can be seen to add nothing.
await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
const { app, users } = await world(t, { ...syncOptions(database, 'notify'), entities: [cards, memos] }, { database })
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())
const su = database.superuser as unknown as Kysely<Record<string, Record<string, unknown>>>

const stx = (mutationId: string, sourceId: string, baseVersions?: Record<string, number>) => ({ mutationId, sourceId, ...(baseVersions ? { baseVersions } : {}) })
const client = (who: SignedIn, table = 'cards', place = '/aaaaaa/org-x') => {
  const request = as(app, who)
  return {
    create: (body: object, headers?: Record<string, string>) => request('POST', `${place}/${table}`, body, headers),
    update: (id: string, body: object, headers?: Record<string, string>) => request('PUT', `${place}/${table}/${id}`, body, headers),
  }
}
const rowOf = async (table: string, id: string) => su.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const activitiesOf = async (id: string) => Number((await sql<{ n: string }>`select count(*) as n from activities where entity_id = ${id}`.execute(database.superuser)).rows[0]!.n)
const orgOf = async (slug: string) => (await database.superuser.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
const created = async (table = 'cards', body: object = { title: 'Groceries' }) => {
  const res = await client(users.alice, table).create(body)
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; title: string; stx: { fieldVersions: Record<string, number> } }
}

t.test('a create starts every field it writes at version 1; creates, reads and lists carry stx', async (t) => {
  const mutationId = uuid()
  const res = await client(users.alice).create({ title: 'Groceries', stx: stx(mutationId, 'phone') })
  t.equal(res.statusCode, 201)
  const expected = { mutationId, sourceId: 'phone', fieldVersions: { title: 1, body: 1, done: 1 } }
  t.same(res.json().stx, expected)
  const { id } = res.json()
  t.same((await as(app, users.dave)('GET', `/aaaaaa/org-x/cards/${id}`)).json().stx, expected, 'a read')
  const listed = (await as(app, users.dave)('GET', '/aaaaaa/org-x/cards?limit=1000')).json().items.find((item: { id: string }) => item.id === id)
  t.same(listed.stx, expected, 'a list item')
  const row = await rowOf('cards', id)
  t.same([row.stx_versions, row.stx_mutation_id, row.stx_source_id], [expected.fieldVersions, mutationId, 'phone'], 'kept in the entity\'s own row')
  t.same(stxOf(cards, row), expected, 'stxOf: the row as the driver reads it')
  t.same(stxOf(cards, { ...row, stx_versions: JSON.stringify(row.stx_versions) }), expected, 'stxOf: jsonb as text')
  t.equal(stxOf(pages, row), undefined, 'stxOf: an entity without field versions')
  const plain = await client(users.alice).create({ title: 'Online' })
  t.same(plain.json().stx, { mutationId: null, sourceId: null, fieldVersions: { title: 1, body: 1, done: 1 } }, 'a create without stx is versioned too')
})

t.test('two clients edit different fields of one row offline: both are applied', async (t) => {
  const card = await created()
  const phone = await client(users.alice).update(card.id, { title: 'Groceries for Sunday', stx: stx(uuid(), 'phone', { title: 1 }) })
  t.equal(phone.statusCode, 200)
  t.same(phone.json().stx.fieldVersions, { title: 2, body: 1, done: 1 })
  const laptopMutation = uuid()
  const laptop = await client(users.dave).update(card.id, { body: 'milk, eggs', stx: stx(laptopMutation, 'laptop', { body: 1 }) })
  t.equal(laptop.statusCode, 200, laptop.body)
  t.match(laptop.json(), { title: 'Groceries for Sunday', body: 'milk, eggs', stx: { mutationId: laptopMutation, sourceId: 'laptop', fieldVersions: { title: 2, body: 3, done: 1 } } })
  const row = await rowOf('cards', card.id)
  t.same([row.title, row.body, row.stx_versions], ['Groceries for Sunday', 'milk, eggs', { title: 2, body: 3, done: 1 }])
})

t.test('the same field, policy reject: 409 lists the conflicting fields with their current values and versions; nothing applied', async (t) => {
  const card = await created()
  t.equal((await client(users.alice).update(card.id, { title: 'from the phone', stx: stx(uuid(), 'phone', { title: 1 }) })).statusCode, 200)
  const stale = { title: 'from the laptop', done: true, stx: stx(uuid(), 'laptop', { title: 1, done: 1 }) }
  const res = await client(users.dave).update(card.id, stale)
  t.equal(res.statusCode, 409)
  t.match(res.json(), { error: { status: 409, type: 'field_version_conflict', message: String, severity: String, entityType: 'card', requestId: String } })
  t.same(res.json().error.meta, { conflicts: [{ field: 'title', baseVersion: 1, version: 2, value: 'from the phone' }] }, 'only the stale field, with its current value and version')
  const row = await rowOf('cards', card.id)
  t.same([row.title, row.done, row.stx_versions], ['from the phone', false, { title: 2, body: 1, done: 1 }], 'not even the fresh field was applied')
  t.equal((await client(users.dave).update(card.id, stale)).statusCode, 409, 'a replay of a rejected mutation is rejected again (nothing was remembered)')
  const rebased = await client(users.dave).update(card.id, { ...stale, stx: stx(uuid(), 'laptop', { title: 2, done: 1 }) })
  t.equal(rebased.statusCode, 200, 'rebased on the current versions, it applies')
  t.same(rebased.json().stx.fieldVersions, { title: 3, body: 1, done: 3 })
})

t.test('the same field, policy lastWriterWins: the later arrival is applied', async (t) => {
  const memo = await created('memos')
  t.equal((await client(users.alice, 'memos').update(memo.id, { title: 'from the phone', stx: stx(uuid(), 'phone', { title: 1 }) })).statusCode, 200)
  const res = await client(users.dave, 'memos').update(memo.id, { title: 'from the laptop', stx: stx(uuid(), 'laptop', { title: 1 }) })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { title: 'from the laptop', stx: { sourceId: 'laptop', fieldVersions: { title: 3 } } })
  t.equal((await rowOf('memos', memo.id)).title, 'from the laptop')
})

t.test('a replayed mutation id returns the first result and changes nothing', async (t) => {
  const alice = client(users.alice)
  const createId = uuid()
  const body = { title: 'Replayed', stx: stx(createId, 'phone') }
  const first = await alice.create(body)
  t.equal(first.statusCode, 201)
  const again = await alice.create(body)
  t.same([again.statusCode, again.json()], [201, first.json()], 'the same create answer')
  t.equal(again.headers['mutation-replayed'], 'true')
  t.equal(first.headers['mutation-replayed'], undefined)
  const { id } = first.json()
  t.equal(Number((await sql<{ n: string }>`select count(*) as n from cards where title = 'Replayed'`.execute(database.superuser)).rows[0]!.n), 1, 'one row')

  const update = { title: 'Replayed, edited', stx: stx(uuid(), 'phone', { title: 1 }) }
  const edited = await alice.update(id, update)
  t.equal(edited.statusCode, 200)
  // Someone edits the title afterwards: replaying the phone's edit must not bring it back.
  t.equal((await client(users.dave).update(id, { title: 'Edited on the laptop' })).statusCode, 200)
  const replayed = await alice.update(id, update)
  t.same([replayed.statusCode, replayed.json()], [200, edited.json()], 'the same update answer')
  // A client may serialize its object in another order: the same mutation all the same.
  const other = await created()
  const twoFields = uuid()
  const bothEdited = await alice.update(other.id, { title: 'T', body: 'B', stx: stx(twoFields, 'phone', { title: 1, body: 1 }) })
  t.equal(bothEdited.statusCode, 200)
  const reordered = await alice.update(other.id, { body: 'B', title: 'T', stx: stx(twoFields, 'phone', { body: 1, title: 1 }) })
  t.same([reordered.statusCode, reordered.json(), reordered.headers['mutation-replayed']], [200, bothEdited.json(), 'true'], 'keys in another order: a replay')
  const withKey = await alice.update(id, update, { 'idempotency-key': uuid() })
  t.same([withKey.statusCode, withKey.json()], [200, edited.json()], 'with an Idempotency-Key too')
  const row = await rowOf('cards', id)
  t.same([row.title, row.stx_versions], ['Edited on the laptop', { title: 3, body: 1, done: 1 }], 'the row is as the last real change left it')

  const reused = await alice.update(id, { ...update, title: 'Something else' })
  t.equal(reused.statusCode, 409, 'the same id with another body')
  t.match(reused.json(), { error: { status: 409, type: 'mutation_id_reused', requestId: String } })

  const racing = { title: 'Raced', stx: stx(uuid(), 'phone') }
  const [one, two] = await Promise.all([alice.create(racing), alice.create(racing)])
  t.same([one.statusCode, two.statusCode], [201, 201], 'two concurrent sends of one create')
  t.equal(one.json().id, two.json().id, 'answer the same row')
  t.equal(Number((await sql<{ n: string }>`select count(*) as n from cards where title = 'Raced'`.execute(database.superuser)).rows[0]!.n), 1, 'which exists once')

  // The change log: the create, the phone's update and the laptop's, and nothing of the replays
  // (a later change is logged first, so every earlier commit has been sequenced).
  const marker = await created()
  await eventually(async () => (await activitiesOf(marker.id)) === 1, 10_000, 'the marker\'s activity')
  t.equal(await activitiesOf(id), 3, 'three activities for the row')
})

t.test('mutation ids are per tenant, and only their user replays them', async (t) => {
  const shared = uuid()
  const mine = await client(users.alice).create({ title: 'Tenant A', stx: stx(shared, 'phone') })
  t.equal(mine.statusCode, 201)
  const theirs = await client(users.carol, 'cards', '/bbbbbb/org-z').create({ title: 'Tenant A', stx: stx(shared, 'phone') })
  t.equal(theirs.statusCode, 201, 'another tenant: the same id is a new mutation')
  t.not(theirs.json().id, mine.json().id, 'applied there, not replayed from tenant A')
  t.equal(theirs.headers['mutation-replayed'], undefined)
  const bob = await client(users.bob, 'cards', '/aaaaaa/org-y').create({ title: 'Tenant A', stx: stx(shared, 'phone') })
  t.equal(bob.statusCode, 409, 'another user of the tenant gets no replay of someone else\'s mutation')
  t.notOk(bob.body.includes(mine.json().id), 'and learns nothing of it')

  const idsSeen = async (db: typeof runtime) =>
    (await sql<{ id: string }>`select entity_id as id from field_mutations where mutation_id = ${shared}`.execute(db)).rows.map((r) => r.id)
  t.same(await withTenantContext(runtime, 'bbbbbb', users.carol.user.id, idsSeen), [theirs.json().id], 'RLS: tenant B sees its own')
  t.same(await withTenantContext(runtime, 'aaaaaa', users.bob.user.id, idsSeen), [], 'RLS: another user of tenant A sees none')
  t.same(await withTenantContext(runtime, 'aaaaaa', users.alice.user.id, idsSeen), [mine.json().id], 'RLS: the author sees theirs')
  t.same(await withContext(runtime, { kind: 'public', tenantId: 'aaaaaa' }, idsSeen), [], 'RLS: the public context sees none')
  t.same(await idsSeen(runtime), [], 'RLS: no context sees none')
})

t.test('a mutation id sent again elsewhere (another organization, entity type or row) is refused, not replayed', async (t) => {
  // Alice belongs to both organizations of tenant A here, so RLS shows her the first mutation from either.
  await database.superuser.insertInto('memberships')
    .values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: (await orgOf('org-y')), user_id: users.alice.user.id, role: 'member' }).execute()
  app.lookups.forgetMemberships([users.alice.user.id])
  const body = { title: 'Where?', stx: stx(uuid(), 'phone') }
  const first = await client(users.alice).create(body)
  t.equal(first.statusCode, 201)
  const elsewhere = await client(users.alice, 'cards', '/aaaaaa/org-y').create(body)
  t.equal(elsewhere.statusCode, 409, 'another organization: not the first create\'s answer')
  t.match(elsewhere.json(), { error: { type: 'mutation_id_reused' } })
  t.notOk(elsewhere.body.includes(first.json().id), 'nor its row')
  t.equal((await client(users.alice, 'memos').create(body)).statusCode, 409, 'another entity type')
  const other = await created()
  const update = { title: 'Moved', stx: stx(uuid(), 'phone', { title: 1 }) }
  t.equal((await client(users.alice).update(first.json().id, update)).statusCode, 200)
  t.equal((await client(users.alice).update(other.id, update)).statusCode, 409, 'another row')
  t.equal((await rowOf('cards', other.id)).title, 'Groceries', 'which is unchanged')
})

t.test('a bad stx is a 400 in the error shape, and changes nothing', async (t) => {
  const card = await created()
  const alice = client(users.alice)
  const cases: Array<[string, 'create' | 'update', object]> = [
    ['stx is not an object', 'create', { title: 'x', stx: 'yes' }],
    ['no mutation id', 'create', { title: 'x', stx: { sourceId: 'phone' } }],
    ['an empty mutation id', 'create', { title: 'x', stx: stx('', 'phone') }],
    ['an unknown key', 'create', { title: 'x', stx: { ...stx(uuid(), 'phone'), extra: 1 } }],
    ['base versions on a create', 'create', { title: 'x', stx: stx(uuid(), 'phone', { title: 1 }) }],
    ['no base version of a written field', 'update', { title: 'x', stx: stx(uuid(), 'phone', {}) }],
    ['a base version of a field not written', 'update', { title: 'x', stx: stx(uuid(), 'phone', { title: 1, body: 1 }) }],
    ['a negative base version', 'update', { title: 'x', stx: stx(uuid(), 'phone', { title: -1 }) }],
    ['a fractional base version', 'update', { title: 'x', stx: stx(uuid(), 'phone', { title: 1.5 }) }],
  ]
  for (const [name, action, body] of cases) {
    const res = action === 'create' ? await alice.create(body) : await alice.update(card.id, body)
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { error: { status: 400, type: 'validation_error', message: /stx|body/, severity: String, requestId: String } }, name)
  }
  const row = await rowOf('cards', card.id)
  t.same([row.title, row.stx_versions], ['Groceries', { title: 1, body: 1, done: 1 }], 'the row is unchanged')
  t.equal(Number((await sql<{ n: string }>`select count(*) as n from cards where title = 'x'`.execute(database.superuser)).rows[0]!.n), 0, 'nothing created')
})

t.test('off by default: an entity without fieldVersions takes no stx and shows none', async (t) => {
  const alice = as(app, users.alice)
  const page = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Plain', stx: stx(uuid(), 'phone') })
  t.equal(page.statusCode, 201)
  t.same(Object.keys(page.json()).sort(), [...Object.keys(pages.dto.shape), 'can'].sort(), 'the page DTO as before')
  const again = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Plain', stx: stx(uuid(), 'phone') })
  t.not(again.json().id, page.json().id, 'no replay either')
  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.notOk(JSON.stringify(openapi.components.schemas.Page).includes('stx'), 'nor in OpenAPI')
  t.ok(JSON.stringify(openapi.paths['/{tenantId}/{orgId}/cards']).includes('Stx'), 'a field-versioned entity documents it')
})

t.test('the catalog check names a field-versioned entity whose table lacks the columns', async (t) => {
  t.same(await checkEntities(runtime, { registered: [cards, memos] }), [])
  t.same((await checkEntities(runtime, { registered: [bare] })).filter((p) => p.startsWith('entity bare_card ')), [
    'entity bare_card (bare_cards): field versions need column stx_versions jsonb (applyFieldVersions)',
    'entity bare_card (bare_cards): field versions need column stx_mutation_id text (applyFieldVersions)',
    'entity bare_card (bare_cards): field versions need column stx_source_id text (applyFieldVersions)',
  ])
})

t.test('db:maintenance forgets mutation ids older than the change log\'s retention', async (t) => {
  const old = uuid()
  await client(users.alice).create({ title: 'Old', stx: stx(old, 'phone') })
  await sql`update field_mutations set created_at = now() - interval '40 days' where mutation_id = ${old}`.execute(database.superuser)
  const before = Number((await sql<{ n: string }>`select count(*) as n from field_mutations`.execute(database.superuser)).rows[0]!.n)
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-maintenance.ts', '--retention-days=30'], {
    env: { ...process.env, DATABASE_ADMIN_URL: database.superuserUrl }, encoding: 'utf8', timeout: 30_000,
  })
  t.equal(run.status, 0, run.stderr)
  const left = await sql<{ mutation_id: string }>`select mutation_id from field_mutations`.execute(database.superuser)
  t.equal(left.rows.length, before - 1)
  t.notOk(left.rows.some((r) => r.mutation_id === old))
})
