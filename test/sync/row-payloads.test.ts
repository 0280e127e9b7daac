import { sql } from 'kysely'
import t from 'tap'
import { z } from 'zod'
import { createKysely, createPool } from '../../db/connection.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { type EntityRow, defineEntity } from '../../entities/definition.js'
import { applyEntityIsolation, applyFieldVersions } from '../../entities/isolation.js'
import { type SignedIn, type Teardown, type TestDatabase, as, syncOptions, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'
import { type StreamClient, openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// Issue 18.6 (SPEC §7): a create or update event carries `data`, the entity as the API returns it
// (without `can`) at that change, live and replayed, only to readers allowed to read it; a delete
// carries the id alone. On both sync sources.

/** Private memos: a member reads only the memos they wrote; admins read all. */
interface MemoRow extends EntityRow { body: string; written_at: Date }
const memos = defineEntity({
  type: 'memo',
  table: 'memos',
  dto: z.object({ id: z.uuid(), body: z.string(), writtenAt: z.string() }).meta({ id: 'Memo' }),
  create: z.object({ body: z.string().min(1) }),
  update: z.object({ body: z.string().min(1) }),
  toDto: (row: MemoRow) => ({ id: row.id, body: row.body, writtenAt: row.written_at.toISOString() }),
  toColumns: (body: { body?: string }) => (body.body === undefined ? {} : { body: body.body }),
  list: { sort: { createdAt: 'created_at' } },
  rules: { create: true, read: { ownedBy: 'created_by' }, update: { ownedBy: 'created_by' }, delete: true },
})

/** Cards for offline-first clients: field versions, stale writes refused. */
interface CardRow extends EntityRow { title: string }
const cards = defineEntity({
  type: 'card',
  table: 'cards',
  dto: z.object({ id: z.uuid(), title: z.string() }).meta({ id: 'Card' }),
  create: z.object({ title: z.string().min(1) }),
  update: z.object({ title: z.string().min(1) }),
  toDto: (row: CardRow) => ({ id: row.id, title: row.title }),
  toColumns: (body: { title?: string }) => (body.title === undefined ? {} : { title: body.title }),
  list: { sort: { createdAt: 'created_at' } },
  fieldVersions: { onStale: 'reject' },
})

async function memoDatabase(t: Teardown): Promise<TestDatabase> {
  const database = await testDatabase(t)
  await sql`
    create table memos (
      id uuid primary key default gen_random_uuid(), tenant_id text not null, organization_id uuid not null,
      body text not null, written_at timestamptz not null default now(),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now()
    )`.execute(database.superuser)
  await applyEntityIsolation(database.superuser, memos, defaultRoleNames)
  await sql`
    create table cards (
      id uuid primary key default gen_random_uuid(), tenant_id text not null, organization_id uuid not null,
      title text not null, created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now()
    )`.execute(database.superuser)
  await applyEntityIsolation(database.superuser, cards, defaultRoleNames)
  await applyFieldVersions(database.superuser, cards)
  return database
}

async function notifyWorld(t: Teardown, database: TestDatabase) {
  await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
  // The setting reaches sessions opened from now on: plain SQL writes go through a new pool.
  const psql = createKysely(createPool({ url: database.superuserUrl, max: 2 }))
  t.teardown(() => psql.destroy())
  const w = await world(t, { ...syncOptions(database, 'notify'), entities: [memos, cards] }, { database })
  return { ...w, psql, baseUrl: await w.app.listen({ port: 0, host: '127.0.0.1' }) }
}

type Change = ReturnType<StreamClient['changes']>[number]
const withoutCan = ({ can: _can, ...dto }: Record<string, unknown>) => dto

for (const source of ['replication', 'notify'] as const) {
  t.test(`${source} source`, async (t) => {
    const database = await memoDatabase(t)
    const { app, baseUrl, users, orgs, psql } = source === 'replication'
      ? { ...await syncWorld(t, { entities: [memos, cards] }, { database }), psql: database.superuser }
      : await notifyWorld(t, database)
    const stream = async (who: SignedIn | undefined, path: string, from: string) => {
      const client = await openStream(`${baseUrl}${path}`, { ...(who ? { cookie: who.cookie } : {}), 'last-event-id': from })
      t.teardown(() => client.close())
      await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset')
      return client
    }
    const of = (client: StreamClient, id: string) => client.changes().filter((c) => c.entityId === id)
    const waitFor = (client: StreamClient, id: string, n: number) =>
      client.waitFor(() => of(client, id).length >= n, 10_000, `${n} events of ${id}`)
    const ok = async (res: { statusCode: number; body: string; json(): unknown }, status: number) => {
      t.equal(res.statusCode, status, res.body)
      return res.json() as Record<string, unknown>
    }

    t.test('pages: data at each change, live, replayed and in the JSON catch-up', async (t) => {
      const alice = as(app, users.alice)
      const before = app.activityBus!.cursor
      const live = await stream(users.alice, '/entities/app/stream', 'now')
      const created = await ok(await alice('POST', '/aaaaaa/org-x/pages', { title: 'First', content: 'one' }), 201)
      const id = created.id as string
      const updated = await ok(await alice('PUT', `/aaaaaa/org-x/pages/${id}`, { title: 'Second' }), 200)
      // Plain SQL counts too: its row image is the row as committed.
      await sql`update pages set content = 'from psql', updated_at = now() where id = ${id}`.execute(psql)
      const fromSql = await ok(await alice('GET', `/aaaaaa/org-x/pages/${id}`), 200)
      await ok(await alice('DELETE', '/aaaaaa/org-x/pages', { ids: [id] }), 200)
      await waitFor(live, id, 4)

      const expected = [withoutCan(created), withoutCan(updated), withoutCan(fromSql), undefined]
      t.same(of(live, id).map((c) => c.action), ['create', 'update', 'update', 'delete'])
      t.strictSame(of(live, id).map((c) => c.data), expected, 'each event: the DTO as the API returned it then; a delete: none')
      t.notOk('row' in of(live, id)[0]!, 'the stored row image itself never goes out')

      const replay = await stream(users.alice, '/entities/app/stream', before)
      t.strictSame(of(replay, id).map((c) => c.data), expected, 'replayed: the same data, not the row as it is now')
      const catchup = await (await fetch(`${baseUrl}/entities/app/stream?live=catchup`, { headers: { cookie: users.alice.cookie, 'last-event-id': before } }))
        .json() as { activities: Change[] }
      t.strictSame(catchup.activities.filter((c) => c.entityId === id).map((c) => c.data), expected, 'the JSON catch-up too')
    })

    t.test('an entity members read only when they wrote it: data (and the event) only to its readers', async (t) => {
      const before = app.activityBus!.cursor
      const [daveLive, aliceLive, bobLive] = await Promise.all([
        stream(users.dave, '/entities/app/stream', 'now'),
        stream(users.alice, '/entities/app/stream', 'now'),
        stream(users.bob, '/entities/app/stream', 'now'),
      ])
      const daves = await ok(await as(app, users.dave)('POST', '/aaaaaa/org-x/memos', { body: 'dave\'s own' }), 201)
      const alices = await ok(await as(app, users.alice)('POST', '/aaaaaa/org-x/memos', { body: 'alice only' }), 201)
      // Alice (admin) deletes Dave's memo: its owner learns it is gone.
      await ok(await as(app, users.alice)('DELETE', '/aaaaaa/org-x/memos', { ids: [daves.id] }), 200)
      const marker = await ok(await as(app, users.alice)('POST', '/aaaaaa/org-x/pages', { title: 'marker' }), 201)
      await Promise.all([waitFor(aliceLive, daves.id as string, 2), waitFor(daveLive, marker.id as string, 1)])

      t.same(of(daveLive, daves.id as string).map((c) => [c.action, c.data]), [['create', withoutCan(daves)], ['delete', undefined]], 'the owner: their memo, then its delete')
      t.match((of(daveLive, daves.id as string)[0]!.data as { writtenAt: string }).writtenAt, /^\d{4}-\d\d-\d\dT/, 'timestamps read back as the driver reads them')
      t.same(of(daveLive, alices.id as string), [], 'a member never sees a memo they may not read, not even its id')
      t.same(of(aliceLive, alices.id as string).map((c) => c.data), [withoutCan(alices)], 'the admin: every memo')
      t.same(bobLive.changes().filter((c) => c.entityType === 'memo'), [], 'another organization: nothing')

      const daveReplay = await stream(users.dave, '/entities/app/stream', before)
      t.same(daveReplay.changes().filter((c) => c.entityType === 'memo').map((c) => [c.entityId, c.action]),
        [[daves.id, 'create'], [daves.id, 'delete']], 'replayed: the same rule')

      // Promoted to admin (plain SQL): from the membership's change on, Dave reads every memo.
      await sql`update memberships set role = 'admin' where user_id = ${users.dave.user.id} and organization_id = ${orgs.x}`.execute(psql)
      const later = await ok(await as(app, users.alice)('POST', '/aaaaaa/org-x/memos', { body: 'after the promotion' }), 201)
      await waitFor(daveLive, later.id as string, 1)
      t.same(of(daveLive, later.id as string).map((c) => c.data), [withoutCan(later)], 'an admin now: the memo and its data')
    })

    t.test('field versions: events carry stx beside data, as the API answered it', async (t) => {
      const alice = as(app, users.alice)
      const before = app.activityBus!.cursor
      const live = await stream(users.alice, '/entities/app/stream', 'now')
      const created = await ok(await alice('POST', '/aaaaaa/org-x/cards', { title: 'Offline', stx: { mutationId: 'm-1', sourceId: 'phone' } }), 201)
      const id = created.id as string
      const updated = await ok(await alice('PUT', `/aaaaaa/org-x/cards/${id}`, { title: 'Synced', stx: { mutationId: 'm-2', sourceId: 'laptop', baseVersions: { title: 1 } } }), 200)
      await waitFor(live, id, 2)
      t.same(of(live, id).map((c) => c.stx), [created.stx, updated.stx], 'each event: the mutation and the versions after it')
      t.same(of(live, id).map((c) => (c.stx as { sourceId: string }).sourceId), ['phone', 'laptop'], 'a client recognises its own echo')
      t.same(of(live, id).map((c) => c.data), [{ id, title: 'Offline' }, { id, title: 'Synced' }], 'data is the DTO without can or stx')
      t.same(of(live, id)[1]!.changedFields, ['title'], 'changedFields: the author\'s columns, not the version bookkeeping')
      const replay = await stream(users.alice, '/entities/app/stream', before)
      t.same(of(replay, id).map((c) => c.stx), [created.stx, updated.stx], 'replayed too')
    })

    t.test('field versions malformed with plain SQL: the event goes out with no versions, and the change log keeps flowing', async (t) => {
      const alice = as(app, users.alice)
      const live = await stream(users.alice, '/entities/app/stream', 'now')
      const id = (await ok(await alice('POST', '/aaaaaa/org-x/cards', { title: 'Sound' }), 201)).id as string
      // A jsonb string that is no JSON text, then a number: neither is an object of versions.
      await sql`update cards set stx_versions = '"not json {"', title = 'Bent' where id = ${id}`.execute(psql)
      await sql`update cards set stx_versions = '7', title = 'Bent again' where id = ${id}`.execute(psql)
      const marker = await ok(await alice('POST', '/aaaaaa/org-x/pages', { title: 'after the bent rows' }), 201)
      await waitFor(live, marker.id as string, 1)
      t.same(of(live, id).map((c) => [c.data, (c.stx as { fieldVersions: unknown } | undefined)?.fieldVersions]),
        [[{ id, title: 'Sound' }, { title: 1 }], [{ id, title: 'Bent' }, {}], [{ id, title: 'Bent again' }, {}]], 'each change, with data; versions only where there are')
      t.same((await ok(await alice('GET', `/aaaaaa/org-x/cards/${id}`), 200)).stx, { mutationId: null, sourceId: null, fieldVersions: {} }, 'a read answers')
      const healed = await ok(await alice('PUT', `/aaaaaa/org-x/cards/${id}`, { title: 'Mended', stx: { mutationId: `mend-${source}`, sourceId: 'phone', baseVersions: { title: 0 } } }), 200)
      t.same((healed.stx as { fieldVersions: unknown }).fieldVersions, { title: 1 }, 'a versioned write starts the versions again')
    })

    t.test('public stream: data only of a row that was public at that change', async (t) => {
      const alice = as(app, users.alice)
      const before = app.activityBus!.cursor
      const created = await ok(await alice('POST', '/aaaaaa/org-x/pages', { title: 'Draft', content: 'private draft text' }), 201)
      const id = created.id as string
      await ok(await alice('PUT', `/aaaaaa/org-x/pages/${id}`, { title: 'Secret working title' }), 200)
      const published = await ok(await alice('PUT', `/aaaaaa/org-x/pages/${id}`, { content: 'final text', status: 'published', publicAccess: true }), 200)
      const replay = await stream(undefined, '/public/aaaaaa/stream', before)
      await waitFor(replay, id, 3)
      t.same(of(replay, id).map((c) => [c.action, c.data]), [['create', undefined], ['update', undefined], ['update', withoutCan(published)]],
        'the create and the edit (private then) without data; the publishing update with it')
      t.same(of(replay, id).map((c) => (c.changedFields as string[] | null)?.toSorted() ?? null), [null, null, ['content', 'publicAccess', 'status']],
        'nor which fields changed while private')
      t.notOk(replay.events.some((e) => e.data.includes('private draft text')), 'nothing of the private draft reaches the public')
    })
  })
}
