import { performance } from 'node:perf_hooks'
import { isDeepStrictEqual } from 'node:util'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { migrateToLatest } from '../../db/migrate.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { withContext, withPublicContext, withTenantContext } from '../../db/rls.js'
import { checkEntities } from '../../entities/catalog.js'
import { type AnyEntity, defaultRules } from '../../entities/definition.js'
import { tasksMigrations, tasksPlugin } from '../../examples/tasks/index.js'
import { errorCode } from '../db/fixtures.js'
import { as, testDatabase } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from '../sync/sync-world.js'
import { insertRow, memberMay, samples, selectRow, updateRow, visibleIds } from './entity-samples.js'

// The entity conformance suite (SPEC §12): every registered entity — pages, attachments and the
// tasks example, registered by its own plugin after Strata — goes through the same probes. An
// entity is covered by being registered; its rows come from its declaration (entity-samples.ts).
const setupStarted = performance.now()
const database = await testDatabase(t)
await migrateToLatest(database.superuserUrl, defaultRoleNames, tasksMigrations)
const { app, baseUrl, users, orgs } = await syncWorld(t, { migrations: tasksMigrations }, {
  database,
  routes: async (app) => { await app.register(tasksPlugin) },
})
const ids = { alice: users.alice.user.id, bob: users.bob.user.id, carol: users.carol.user.id, dave: users.dave.user.id, eve: users.eve.user.id }
// The probes run as runtime_role on a pool of ONE connection: a context leaking from one
// transaction into the next would show.
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())
const streams = {
  admin: await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.alice.cookie }),
  member: await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.dave.cookie }),
  outsider: await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.bob.cookie }),
}
t.teardown(() => { for (const stream of Object.values(streams)) stream.close() })
for (const stream of Object.values(streams)) await stream.waitFor((events) => events.some((e) => e.event === 'offset'), 10_000, 'the stream to go live')
const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
t.comment(`shared setup (database, tasks migration, app, CDC worker, streams): ${Math.round(performance.now() - setupStarted)} ms`)

const x = { tenantId: 'aaaaaa', organizationId: orgs.x }
const y = { tenantId: 'aaaaaa', organizationId: orgs.y }
const z = { tenantId: 'bbbbbb', organizationId: orgs.z }

t.test('the tasks example is registered by its plugin, next to the core entities', async (t) => {
  t.same(app.entities.all().map((e) => e.type), ['page', 'attachment', 'task'])
})

const timings: Record<string, number> = {}
for (const entity of app.entities.all()) {
  t.test(`entity ${entity.type} (${entity.table})`, async (t) => {
    const started = performance.now()
    await conformance(t, entity)
    timings[entity.type] = Math.round(performance.now() - started)
    t.comment(`${entity.type}: ${timings[entity.type]} ms`)
  })
}
t.teardown(() => { console.log(`# conformance per entity (ms): ${JSON.stringify(timings)}`) })

async function conformance(t: Test, entity: AnyEntity) {
  const rules = entity.rules ?? defaultRules
  const sample = samples(entity)
  const table = sql.table(entity.table)
  const path = (tenantId: string, org: string) => `/${tenantId}/${org}/${entity.table}`
  const inX = path('aaaaaa', 'org-x')
  // Tenant B reaching org X by its id: the organization is not found there.
  const crossTenant = path('bbbbbb', orgs.x)

  await t.test('catalog: the table has every part of its isolation', async (t) => {
    const problems = await checkEntities(runtime, { registered: [entity] })
    t.same(problems.filter((p) => p.startsWith(`entity ${entity.type} `)), [])
  })

  await t.test('SQL isolation probes', async (t) => {
    const rows = {
      x: await insertRow(database.superuser, entity, { ...x, createdBy: ids.alice }, sample.columns),
      xUpdated: await insertRow(database.superuser, entity, { ...x, createdBy: ids.alice }, { ...sample.columns, ...sample.updatedColumns }),
      y: await insertRow(database.superuser, entity, { ...y, createdBy: ids.bob }, sample.columns),
      z: await insertRow(database.superuser, entity, { ...z, createdBy: ids.carol }, sample.columns),
    }
    const mine = sql`id in (${sql.join(Object.values(rows))})`
    const seen = (db: typeof runtime) => visibleIds(db, entity, mine)
    const insertInto = (db: typeof runtime, place: typeof x, createdBy: string) => insertRow(db, entity, { ...place, createdBy }, sample.columns)
    const inTenant = <T>(tenantId: string, user: keyof typeof ids, work: (db: typeof runtime) => Promise<T>) => withTenantContext(runtime, tenantId, ids[user], work)

    t.test('no context: no rows, writes fail', async (t) => {
      t.same(await seen(runtime), [])
      t.equal(await errorCode(insertInto(runtime, x, ids.alice)), '42501', 'insert refused')
      t.equal((await sql`update ${table} set updated_at = now()`.execute(runtime)).numAffectedRows, 0n, 'update touches nothing')
      t.equal((await sql`delete from ${table}`.execute(runtime)).numAffectedRows, 0n, 'delete touches nothing')
    })

    t.test('another tenant sees and touches nothing of tenant A', async (t) => {
      t.same(await inTenant('bbbbbb', 'carol', seen), [rows.z])
      t.equal(await errorCode(inTenant('bbbbbb', 'carol', (db) => insertInto(db, x, ids.carol))), '42501', 'insert into tenant A refused')
      t.equal(await errorCode(inTenant('aaaaaa', 'carol', (db) => insertInto(db, x, ids.carol))), '42501', 'naming tenant A in the context does not help')
      const updated = await inTenant('bbbbbb', 'carol', (db) => sql`update ${table} set updated_at = now() where tenant_id = 'aaaaaa'`.execute(db))
      t.equal(updated.numAffectedRows, 0n)
    })

    t.test('another organization of the same tenant: nothing of org X', async (t) => {
      t.same(await inTenant('aaaaaa', 'bob', seen), [rows.y], 'bob (admin of Y) sees Y only')
      t.equal(await errorCode(inTenant('aaaaaa', 'bob', (db) => insertInto(db, x, ids.bob))), '42501', 'insert into X refused')
      const updated = await inTenant('aaaaaa', 'bob', (db) => sql`update ${table} set updated_at = now() where organization_id = ${orgs.x}`.execute(db))
      t.equal(updated.numAffectedRows, 0n, 'update of X touches nothing')
    })

    t.test('a user of the tenant without membership: nothing', async (t) => {
      t.same(await inTenant('aaaaaa', 'eve', seen), [])
      t.equal(await errorCode(inTenant('aaaaaa', 'eve', (db) => insertInto(db, x, ids.eve))), '42501', 'insert refused')
    })

    t.test('a member reads what the declared read rule allows', async (t) => {
      const readable = []
      for (const id of [rows.x, rows.xUpdated]) {
        if (memberMay(rules.read, (await selectRow(database.superuser, entity, id))!, ids.dave)) readable.push(id)
      }
      t.same(await inTenant('aaaaaa', 'dave', seen), readable.sort())
      t.same(await inTenant('aaaaaa', 'alice', seen), [rows.x, rows.xUpdated].sort(), 'the admin reads all of X')
    })

    t.test('public context: only rows of its tenant that the declared publicRead selects, no writes', async (t) => {
      const expected = entity.publicRead
        ? await visibleIds(database.superuser, entity, sql`${mine} and tenant_id = 'aaaaaa' and (${sql.raw(entity.publicRead.sql)})`)
        : []
      t.same(await withPublicContext(runtime, 'aaaaaa', seen), expected)
      t.equal(await errorCode(withPublicContext(runtime, 'aaaaaa', (db) => insertInto(db, x, ids.alice))), '42501', 'the public cannot write')
      t.same((await withPublicContext(runtime, 'bbbbbb', seen)).filter((id) => id !== rows.z), [], 'another tenant\'s public context: none of A')
    })

    t.test('RETURNING leaks nothing it may not see', async (t) => {
      for (const [who, tenantId] of [['carol', 'bbbbbb'], ['bob', 'aaaaaa'], ['eve', 'aaaaaa']] as const) {
        const updated = await inTenant(tenantId, who, (db) => sql`update ${table} set updated_at = now() where id = ${rows.x} returning *`.execute(db))
        t.same(updated.rows, [], `${who}: update … returning`)
        const deleted = await inTenant(tenantId, who, (db) => sql`delete from ${table} where id = ${rows.x} returning *`.execute(db))
        t.same(deleted.rows, [], `${who}: delete … returning`)
      }
      t.ok(await selectRow(database.superuser, entity, rows.x), 'the row is still there')
    })

    t.test('id, tenant_id and organization_id are immutable (ST400)', async (t) => {
      for (const change of [{ id: uuid() }, { tenant_id: 'bbbbbb' }, { organization_id: orgs.y }]) {
        t.equal(await errorCode(inTenant('aaaaaa', 'alice', (db) => updateRow(db, entity, rows.x, change))), 'ST400', `changing ${Object.keys(change).join()}`)
      }
    })

    t.test('a pooled connection carries no context into the next transaction', async (t) => {
      const settings = async () => (await sql<{ tenant: string; user: string }>`
        select coalesce(current_setting('app.tenant_id', true), '') as tenant, coalesce(current_setting('app.user_id', true), '') as user`.execute(runtime)).rows[0]
      await inTenant('aaaaaa', 'alice', seen)
      t.same(await settings(), { tenant: '', user: '' }, 'after a commit')
      t.same(await seen(runtime), [], 'and no rows')
      await t.rejects(inTenant('aaaaaa', 'alice', async (db) => {
        await seen(db)
        throw new Error('rolled back')
      }))
      t.same(await seen(runtime), [], 'after a rollback')
      await withContext(runtime, { kind: 'public', tenantId: 'aaaaaa' }, async () => {})
      t.same(await seen(runtime), [], 'after a public context')
    })
  })

  await t.test('API matrix', async (t) => {
    const alice = as(app, users.alice)
    const dave = as(app, users.dave)
    const bob = as(app, users.bob)
    const eve = as(app, users.eve)
    const carol = as(app, users.carol)
    const create = async (who = alice) => {
      const res = await who('POST', inX, sample.create)
      if (res.statusCode !== 201) throw new Error(`create ${entity.type}: ${res.statusCode} ${res.body}`)
      return res.json() as { id: string; can: Record<string, boolean> }
    }
    // The row a member meets: created by the admin; as its owner: each ownedBy column set to the member.
    const ownedBy = Object.values(rules).flatMap((rule) => (typeof rule === 'object' ? [rule.ownedBy] : []))
    const makeOwner = (id: string) => updateRow(database.superuser, entity, id, Object.fromEntries(ownedBy.map((column) => [column, ids.dave])))
    const expectedStatus = (rule: (typeof rules)['update'], row: Record<string, unknown>, allowed: number) => (memberMay(rule, row, ids.dave) ? allowed : 403)

    t.test('create', async (t) => {
      const created = await create()
      t.same(created.can, { create: true, read: true, update: true, delete: true }, 'an admin may do everything')
      t.ok(entity.dto.safeParse(created).success, 'the answer is the declared DTO')
      if (typeof rules.create === 'boolean') t.equal((await dave('POST', inX, sample.create)).statusCode, rules.create ? 201 : 403, 'a member, by the create rule')
      t.equal((await bob('POST', inX, sample.create)).statusCode, 403, 'an admin of another organization')
      t.equal((await eve('POST', inX, sample.create)).statusCode, 403, 'a user without membership')
      t.equal((await carol('POST', crossTenant, sample.create)).statusCode, 404, 'through another tenant')
      const invalid = await alice('POST', inX, sample.invalidCreate)
      t.equal(invalid.statusCode, 400, 'an invalid body')
      t.match(invalid.json(), { error: { status: 400, type: 'validation_error', message: String, severity: String, requestId: String } })
    })

    t.test('list and read', async (t) => {
      const { id } = await create()
      const row = (await selectRow(database.superuser, entity, id))!
      const listed = await dave('GET', `${inX}?limit=1000`)
      t.equal(listed.statusCode, 200)
      t.equal(listed.json().items.some((item: { id: string }) => item.id === id), memberMay(rules.read, row, ids.dave), 'a member lists by the read rule')
      t.equal((await alice('GET', `${inX}/${id}`)).statusCode, 200, 'the admin reads')
      t.equal((await dave('GET', `${inX}/${id}`)).statusCode, memberMay(rules.read, row, ids.dave) ? 200 : 404, 'a member reads by the read rule')
      for (const [name, request, url, status] of [
        ['another organization\'s admin', bob, inX, 403], ['a user without membership', eve, inX, 403], ['another tenant', carol, crossTenant, 404],
      ] as const) {
        t.equal((await request('GET', url)).statusCode, status, `list: ${name}`)
        const read = await request('GET', `${url}/${id}`)
        t.equal(read.statusCode, status, `read: ${name}`)
        t.notOk(read.body.includes(id), `read: ${name} learns nothing of the row`)
      }
      t.equal((await alice('GET', `${inX}/${uuid()}`)).statusCode, 404, 'an unknown id')
    })

    t.test('update', async (t) => {
      const { id } = await create()
      const row = (await selectRow(database.superuser, entity, id))!
      t.equal((await dave('PUT', `${inX}/${id}`, sample.update)).statusCode, expectedStatus(rules.update, row, 200), 'a member, by the update rule')
      t.equal((await bob('PUT', `${inX}/${id}`, sample.update)).statusCode, 403, 'another organization\'s admin')
      t.equal((await eve('PUT', `${inX}/${id}`, sample.update)).statusCode, 403, 'a user without membership')
      t.equal((await carol('PUT', `${crossTenant}/${id}`, sample.update)).statusCode, 404, 'another tenant')
      t.equal((await alice('PUT', `${inX}/${id}`, sample.invalidUpdate)).statusCode, 400, 'an invalid body')
      const updated = await alice('PUT', `${inX}/${id}`, sample.update)
      t.equal(updated.statusCode, 200, 'the admin updates')
      t.ok(entity.dto.safeParse(updated.json()).success, 'the answer is the declared DTO')
      if (ownedBy.length > 0) {
        await makeOwner(id)
        const owned = (await selectRow(database.superuser, entity, id))!
        t.equal((await dave('PUT', `${inX}/${id}`, sample.update)).statusCode, expectedStatus(rules.update, owned, 200), 'the owner, by the update rule')
      }
    })

    t.test('batch delete', async (t) => {
      const [first, second, third] = [await create(), await create(), await create()]
      const row = (await selectRow(database.superuser, entity, first.id))!
      const outcome = (allowed: boolean, id: string) => (allowed ? { data: [{ id }], rejectedIds: [] } : { data: [], rejectedIds: [id] })
      for (const [name, request, url] of [['another organization\'s admin', bob, inX], ['a user without membership', eve, inX], ['another tenant', carol, crossTenant]] as const) {
        t.not((await request('DELETE', url, { ids: [first.id] })).statusCode, 200, name)
      }
      t.same((await dave('DELETE', inX, { ids: [first.id] })).json(), outcome(memberMay(rules.delete, row, ids.dave), first.id), 'a member, by the delete rule')
      if (ownedBy.length > 0) {
        await makeOwner(second.id)
        const owned = (await selectRow(database.superuser, entity, second.id))!
        t.same((await dave('DELETE', inX, { ids: [second.id] })).json(), outcome(memberMay(rules.delete, owned, ids.dave), second.id), 'the owner, by the delete rule')
      }
      t.same((await alice('DELETE', inX, { ids: [third.id] })).json(), outcome(true, third.id), 'the admin deletes')
      t.notOk(await selectRow(database.superuser, entity, third.id), 'gone from the table')
      t.equal((await alice('DELETE', inX, { ids: 'not a list' })).statusCode, 400, 'an invalid body')
    })
  })

  await t.test('stream: the org admin receives create, update and delete with the entity as data; a member by the read rule; an outsider nothing', async (t) => {
    const alice = as(app, users.alice)
    const before = app.activityBus!.cursor
    const created = (await alice('POST', inX, sample.create)).json() as { id: string; can?: unknown; stx?: unknown }
    const { id } = created
    const updated = (await alice('PUT', `${inX}/${id}`, sample.update)).json() as { can?: unknown; stx?: unknown }
    const row = (await selectRow(database.superuser, entity, id))!
    t.equal((await alice('DELETE', inX, { ids: [id] })).statusCode, 200)
    const events = (stream: typeof streams.member) => stream.changes().filter((c) => c.entityId === id)
    const actions = (stream: typeof streams.member) => events(stream).map((c) => [c.entityType, c.action, c.organizationId])
    const expected = [[entity.type, 'create', orgs.x], [entity.type, 'update', orgs.x], [entity.type, 'delete', orgs.x]]
    await streams.admin.waitFor(() => actions(streams.admin).length >= 3, 10_000, `the ${entity.type} changes`)
    t.same(actions(streams.admin), expected)
    // The event's data is the entity as the API answered that write, without `can` (and `stx`, which the event carries beside it).
    const dto = ({ can: _can, stx: _stx, ...body }: { can?: unknown; stx?: unknown }) => body
    t.same(events(streams.admin).map((c) => c.data), [dto(created), dto(updated), undefined], 'data: the DTO at each change; a delete carries the id alone')
    t.same(events(streams.admin).map((c) => c.stx), [created.stx, updated.stx, undefined], 'stx beside data, for entities with field versions')
    // Later changes the member and the outsider may see prove their streams got past the ones above.
    const marker = (await alice('POST', '/aaaaaa/org-x/pages', { title: 'marker' })).json() as { id: string }
    await streams.member.waitFor(() => streams.member.changes().some((c) => c.entityId === marker.id), 10_000, 'the member\'s marker')
    t.same(actions(streams.member), memberMay(rules.read, row, ids.dave) ? expected : [], 'a member, by the read rule (not even the id otherwise)')
    const own = (await as(app, users.bob)('POST', path('aaaaaa', 'org-y'), sample.create)).json() as { id: string }
    await streams.outsider.waitFor(() => streams.outsider.changes().some((c) => c.entityId === own.id), 10_000, 'the outsider\'s own change')
    t.same(actions(streams.outsider), [], 'the outsider got nothing of org X')

    // The replay's database side, as the runtime role (migration 0018): the same rule, and row images only where readable.
    type Replayed = { action: string; row_data: Record<string, unknown> | null }
    const replayed = (trx: typeof runtime) => sql<Replayed>`select action, row_data from app.activities_for(${before}, 100000) where entity_id = ${id}`
      .execute(trx).then(({ rows }) => rows)
    const byAdmin = await withTenantContext(runtime, 'aaaaaa', ids.alice, replayed)
    t.same(byAdmin.map((r) => [r.action, r.row_data?.id]), [['create', id], ['update', id], ['delete', id]], 'the org admin: every activity with its row image')
    t.same((await withTenantContext(runtime, 'aaaaaa', ids.dave, replayed)).map((r) => r.action), memberMay(rules.read, row, ids.dave) ? ['create', 'update', 'delete'] : [], 'a member: by the read rule')
    t.same(await withTenantContext(runtime, 'bbbbbb', ids.carol, replayed), [], 'another tenant: nothing')
    // The public context (migration 0022): the row is gone, so only the delete that took it out of
    // the public view, bare, when it was public; nothing at all when it never was.
    const publicly = await withPublicContext(runtime, 'aaaaaa', replayed)
    const wasPublic = entity.publicRead?.matches(row) === true
    t.same(publicly, wasPublic ? [{ action: 'delete', row_data: null }] : [],
      wasPublic ? 'the public context: the delete of a public row, without its image' : 'the public context: nothing of a row that was never public')
  })

  await t.test('entity cache: a change made with plain SQL reaches the next read', async (t) => {
    const alice = as(app, users.alice)
    const { id } = (await alice('POST', inX, sample.create)).json() as { id: string }
    const url = `${inX}/${id}`
    const first = await alice('GET', url)
    const second = await alice('GET', url)
    if (entity.cache === false) {
      t.same([first.headers['x-cache'], second.headers['x-cache']], ['MISS', 'MISS'], 'cache: false reads the database every time')
      return
    }
    t.same([first.headers['x-cache'], second.headers['x-cache']], ['MISS', 'HIT'])
    await updateRow(database.superuser, entity, id, { ...sample.updatedColumns, updated_at: new Date(Date.now() + 60_000) })
    const fresh = entity.toDto((await selectRow(database.superuser, entity, id))!)
    const withoutCan = (body: { can?: unknown }) => {
      const { can: _can, ...dto } = body
      return dto
    }
    t.not(JSON.stringify(withoutCan(second.json())), JSON.stringify(fresh), 'the update example changes what the entity returns')
    await t.resolves(eventuallySame(async () => withoutCan((await alice('GET', url)).json()), fresh), 'the fresh row is served once its change streamed in')
  })

  await t.test('OpenAPI: the five routes', async (t) => {
    const base = `/{tenantId}/{orgId}/${entity.table}`
    t.ok(openapi.paths[base]?.post, 'create')
    t.ok(openapi.paths[base]?.get, 'list')
    t.ok(openapi.paths[base]?.delete, 'batch delete')
    t.ok(openapi.paths[`${base}/{id}`]?.get, 'read')
    t.ok(openapi.paths[`${base}/{id}`]?.put, 'update')
  })
}

async function eventuallySame(read: () => Promise<unknown>, expected: unknown, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    last = await read()
    if (isDeepStrictEqual(last, expected)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`still served ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`)
}
