import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { checkCatalog } from '../../db/catalog.js'
import { createKysely, createPool } from '../../db/connection.js'
import { type RlsContext, withContext, withTenantContext } from '../../db/rls.js'
import type { DB } from '../../db/schema.js'
import { type Teardown, as, build, signUp, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'
import { errorCode, seedTenants } from './fixtures.js'

// Attacks of issue 12 (items 2, 3, 4, 7) performed in SQL as the runtime role.
const database = await testDatabase(t)
const fx = await seedTenants(database.superuser)
const { users, orgs } = fx
/** A runtime-role session of one connection (a temporary table lives as long as it), closed at teardown. */
const session = (t: Teardown, url = database.runtimeUrl) => {
  const db = createKysely(createPool({ url, max: 1 }))
  t.teardown(() => db.destroy())
  return db
}
const runtime = session(t)
const su = database.superuser

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort()
const activitiesFor = (context: RlsContext) =>
  withContext(runtime, context, (trx) => sql<{ id: string }>`select id from app.activities_for('', 100000)`.execute(trx)).then((r) => ids(r.rows))

// A membership activity of dave's, a tenant activity, an invitation activity of bob's.
await su.insertInto('activities').values([
  { id: 'fixture-m', tenant_id: 'bbbbbb', organization_id: orgs.z, user_id: users.dave, entity_type: 'membership', entity_id: uuid(), action: 'create' },
  { id: 'fixture-t', tenant_id: 'bbbbbb', entity_type: 'tenant', entity_id: 'bbbbbb', action: 'update' },
  { id: 'fixture-i', tenant_id: 'aaaaaa', organization_id: orgs.y, user_id: users.bob, entity_type: 'invitation', entity_id: uuid(), action: 'create' },
]).execute()
const everyActivity = ['fixture-i', 'fixture-m', 'fixture-t', 'fixture-x', 'fixture-y', 'fixture-z']

t.test('the runtime and CDC roles cannot create objects', async (t) => {
  const attacker = session(t)
  t.equal(await errorCode(sql`create temp table system_roles (user_id uuid, role text)`.execute(attacker)), '42501', 'no temporary table')
  t.equal(await errorCode(sql`create table public.planted (id int)`.execute(attacker)), '42501', 'no table in public')
  t.equal(await errorCode(sql`create function app.planted() returns int language sql as 'select 1'`.execute(attacker)), '42501', 'no function in app')
  t.equal(await errorCode(sql`create schema planted`.execute(attacker)), '42501', 'no schema')
  t.equal(await errorCode(sql`create temp table activity_outbox (id int)`.execute(session(t, database.cdcUrl))), '42501',
    'the CDC role creates no temporary table either')
})

t.test('a temporary table shadows no table of a SECURITY DEFINER function (even with TEMP granted)', async (t) => {
  await sql`grant temporary on database ${sql.id(database.name)} to runtime_role`.execute(su)
  t.teardown(() => sql`revoke temporary on database ${sql.id(database.name)} from runtime_role`.execute(su))
  const attacker = session(t)
  // Forged rows written in earlier transactions (so they lie below the sequencer's xid horizon).
  await sql`create temp table system_roles (user_id uuid, role text)`.execute(attacker)
  await sql`insert into system_roles values (${users.carol}::uuid, 'admin')`.execute(attacker)
  await sql`create temp table activity_outbox (xid xid8, position bigint, tenant_id text, organization_id uuid, user_id uuid,
    entity_type text, entity_id text, action text, changed_fields text[], created_at timestamptz default now())`.execute(attacker)
  await sql`insert into activity_outbox (xid, position, tenant_id, organization_id, entity_type, entity_id, action)
    values (pg_current_xact_id(), 1, 'aaaaaa', ${orgs.x}::uuid, 'page', 'forged', 'delete')`.execute(attacker)
  // readable by the functions' owner, should they look there
  await sql`grant all on system_roles, activity_outbox to public`.execute(attacker)

  await withTenantContext(attacker, 'aaaaaa', users.carol, async (db) => {
    t.equal((await sql<{ admin: boolean }>`select app.is_system_admin() as admin`.execute(db)).rows[0]!.admin, false,
      'a temporary system_roles does not make carol a system admin')
    t.same(await db.selectFrom('pages').select('id').execute(), [], 'and opens no row of tenant A')
  })
  await withContext(attacker, { kind: 'sync' }, (db) => sql`select app.sequence_outbox()`.execute(db))
  const forged = await su.selectFrom('activities').select('id').where('entity_id', '=', 'forged').execute()
  t.same(forged, [], 'a temporary activity_outbox writes no forged activity')
  t.ok((await checkCatalog(attacker)).includes('the role may create temporary tables (TEMP)'), 'the catalog check reports TEMP')
})

t.test('the catalog check reports SECURITY DEFINER functions that a temporary object could shadow', async (t) => {
  t.same(await checkCatalog(runtime), [], 'the migrated schema is sound')
  await sql`
    create function app.shadowable() returns boolean language sql security definer set search_path = pg_catalog, public
      as 'select true';
    create function public.no_path() returns boolean language sql security definer as 'select true';
    create function app.temp_first() returns boolean language sql security definer set search_path = pg_temp, pg_catalog, public
      as 'select true';`.execute(su)
  const problems = await checkCatalog(runtime)
  for (const fn of ['app.shadowable()', 'no_path()', 'app.temp_first()']) {
    t.ok(problems.includes(`${fn}: SECURITY DEFINER without a search_path ending in pg_temp`), `${fn} is reported`)
  }
  await sql`drop function app.shadowable(); drop function public.no_path(); drop function app.temp_first()`.execute(su)
  await sql`grant create on schema public to runtime_role; grant create on database ${sql.id(database.name)} to runtime_role`.execute(su)
  const privileges = await checkCatalog(runtime)
  t.ok(privileges.includes('the role may create objects in schema public (CREATE)'), 'CREATE on a schema is reported')
  t.ok(privileges.includes('the role may create schemas in the database (CREATE)'), 'CREATE on the database is reported')
  await sql`revoke create on schema public from runtime_role; revoke create on database ${sql.id(database.name)} from runtime_role`.execute(su)
  t.same(await checkCatalog(runtime), [], 'sound again')
})

// Arguments tried for each parameter type: the values most likely to make a function answer.
const samples: Record<string, string[]> = {
  text: ['', 'member', 'aaaaaa'],
  integer: ['100000'],
  uuid: [orgs.x, users.bob],
  'uuid[]': [`{${Object.values(orgs).join(',')}}`],
  boolean: ['true'],
  jsonb: ['{}', `{"created_by": "${users.bob}", "organization_id": "${orgs.x}"}`],
}
const combinations = (types: string[]): string[][] => types.length === 0
  ? [[]]
  : (samples[types[0]!] ?? []).flatMap((value) => combinations(types.slice(1)).map((rest) => [value, ...rest]))
const isNothing = (value: unknown) => value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0)

t.test('without a context, every function the runtime role may call answers nothing or refuses', async (t) => {
  const { rows: functions } = await sql<{ name: string; types: string[]; set: boolean }>`
    select p.proname as name, p.proretset as set,
      array(select format_type(a.t, null) from unnest(p.proargtypes::oid[]) with ordinality a(t, i) order by a.i) as types
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'app' and has_function_privilege(current_user, p.oid, 'execute')
    order by p.proname`.execute(runtime)
  t.ok(functions.some((f) => f.name === 'activities_after'), 'the list comes from the catalog')
  for (const fn of functions) {
    const missing = fn.types.filter((type) => !samples[type])
    t.same(missing, [], `${fn.name}: every parameter type has samples`)
    for (const args of combinations(fn.types)) {
      const call = `app.${fn.name}(${args.map((a, i) => `${pg.escapeLiteral(a)}::${fn.types[i]}`).join(', ')})`
      try {
        const { rows } = await sql.raw<Record<string, unknown>>(`select * from ${call}`).execute(runtime)
        if (fn.set) t.equal(rows.length, 0, `${call}: no rows`)
        else t.ok(isNothing(rows[0]?.[fn.name]), `${call}: nothing (got ${JSON.stringify(rows[0]?.[fn.name])})`)
      } catch (error) {
        t.pass(`${call}: refused (${(error as Error).message})`)
      }
    }
  }
})

t.test('the change log is read in the sync context only', async (t) => {
  const log = (context: RlsContext) => withContext(runtime, context, async (db) => ({
    rows: ids((await sql<{ id: string }>`select id from app.activities_after('', 100000)`.execute(db)).rows),
    latest: (await sql<{ cursor: string | null }>`select app.latest_activity_cursor() as cursor`.execute(db)).rows[0]!.cursor,
  }))
  t.same(await log({ kind: 'sync' }), { rows: everyActivity, latest: 'fixture-z' }, 'the sync context reads every tenant')
  for (const context of [{ kind: 'user', userId: users.sys }, { kind: 'tenant', tenantId: 'aaaaaa', userId: users.alice }, { kind: 'public', tenantId: 'aaaaaa' }] as const) {
    t.same(await log(context), { rows: [], latest: null }, `a ${context.kind} context does not`)
  }
  await withContext(runtime, { kind: 'sync' }, async (db) => {
    for (const table of ['pages', 'memberships', 'organizations', 'activities'] as const) {
      t.same(await db.selectFrom(table).select('id').execute(), [], `the sync context reads no ${table} row`)
    }
    t.equal(await errorCode(sql`select app.claim_invitation_token('x')`.execute(db)), '42501', 'nor claims an invitation')
  })
  t.equal(await errorCode(withContext(runtime, { kind: 'user', userId: users.sys }, (db) => sql`select app.sequence_outbox()`.execute(db))),
    '42501', 'only the sync context sequences the outbox')
})

t.test('replay: a stream reads what its context may read, never what an argument names', async (t) => {
  t.same(await activitiesFor({ kind: 'user', userId: users.alice }), ['fixture-x'], 'alice: her organization only')
  t.same(await activitiesFor({ kind: 'user', userId: users.bob }), ['fixture-i', 'fixture-y'], 'bob: his organization and his invitation')
  t.same(await activitiesFor({ kind: 'user', userId: users.dave }), ['fixture-m', 'fixture-x', 'fixture-z'], 'dave: both tenants, his membership')
  t.same(await activitiesFor({ kind: 'tenant', tenantId: 'aaaaaa', userId: users.dave }), ['fixture-x'], 'a tenant context: that tenant only')
  t.same(await activitiesFor({ kind: 'user', userId: users.sys }), everyActivity, 'a system admin: everything')
  t.same(await activitiesFor({ kind: 'public', tenantId: 'aaaaaa' }), ['fixture-x', 'fixture-y'], 'public: page changes of the tenant')
  t.same(await activitiesFor({ kind: 'sync' }), [], 'the sync context is no stream')
  t.equal(await errorCode(withContext(runtime, { kind: 'user', userId: users.alice }, (db) =>
    sql`select * from app.activities_for('', 100000, ${`{${orgs.y},${orgs.z}}`}::uuid[], null, 'bbbbbb', true)`.execute(db))),
  '42883', 'no caller-named organizations, tenant or "everything" (that signature is gone)')
})

t.test('replay skips tenants that are not active', async (t) => {
  for (const status of ['suspended', 'archived'] as const) {
    await su.updateTable('tenants').set({ status }).where('id', '=', 'bbbbbb').execute()
    t.same(await activitiesFor({ kind: 'user', userId: users.dave }), ['fixture-x'], `dave: nothing of tenant B while ${status}`)
    t.same(await activitiesFor({ kind: 'user', userId: users.sys }), ['fixture-i', 'fixture-x', 'fixture-y'], `a system admin: nothing of it either (${status})`)
    t.same(await activitiesFor({ kind: 'public', tenantId: 'bbbbbb' }), [], `its public stream: nothing (${status})`)
  }
  await su.updateTable('tenants').set({ status: 'active' }).where('id', '=', 'bbbbbb').execute()
  t.same(await activitiesFor({ kind: 'public', tenantId: 'bbbbbb' }), ['fixture-z'], 'active again')
})

const organization = (tenantId: string, createdBy: string) => ({ id: uuid(), tenant_id: tenantId, name: 'N', slug: `n-${uuid().slice(-12)}`, created_by: createdBy })
const insertOrganization = (db: Kysely<DB>, org: ReturnType<typeof organization>) => db.insertInto('organizations').values(org).execute()
const join = (db: Kysely<DB>, org: { id: string; tenant_id: string }, userId: string, role: 'admin' | 'member' = 'admin') =>
  db.insertInto('memberships').values({ id: uuid(), tenant_id: org.tenant_id, organization_id: org.id, user_id: userId, role }).execute()

t.test('who may create an organization, and become its first admin', async (t) => {
  // carol is a member of tenant B only
  const planted = organization('aaaaaa', users.carol)
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.carol, (db) => insertOrganization(db, planted))),
    '42501', 'a non-member of tenant A cannot create an organization in it')
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.carol, async (db) => {
    await su.insertInto('organizations').values(planted).execute()
    await join(db, planted, users.carol)
  })), '42501', 'nor make themself admin of an organization that names them creator in a tenant they are not in')
  await su.deleteFrom('organizations').where('id', '=', planted.id).execute()

  const fresh = organization('aaaaaa', users.alice)
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.alice, (db) => insertOrganization(db, organization('aaaaaa', users.bob)))),
    '42501', 'a member creates organizations in their own name only')
  await withTenantContext(runtime, 'aaaaaa', users.alice, (db) => insertOrganization(db, fresh))
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.bob, (db) => join(db, fresh, users.bob))),
    '42501', 'another member of the tenant cannot claim a new organization before its creator')
  await withTenantContext(runtime, 'aaaaaa', users.alice, (db) => join(db, fresh, users.alice))
  t.equal((await su.selectFrom('memberships').select('role').where('organization_id', '=', fresh.id).execute()).length, 1, 'the creator became its admin')

  const taken = organization('aaaaaa', users.dave)
  await withTenantContext(runtime, 'aaaaaa', users.dave, (db) => insertOrganization(db, taken))
  await join(su, taken, users.bob, 'member')
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.dave, (db) => join(db, taken, users.dave))),
    '42501', 'the creator cannot self-grant admin once the organization has a member')

  await withTenantContext(runtime, 'bbbbbb', users.sys, (db) => insertOrganization(db, organization('bbbbbb', users.sys)))
  t.pass('a system admin creates organizations in any tenant')
  await su.insertInto('tenants').values({ id: 'main', name: 'Main' }).execute()
  const mine = organization('main', users.carol)
  await withTenantContext(runtime, 'main', users.carol, async (db) => {
    await insertOrganization(db, mine)
    await join(db, mine, users.carol)
  })
  t.pass("in 'main' (single-tenant mode) every user creates organizations and becomes their admin")
})

t.test('through the API: a non-member who tries it in SQL still gets no access to the tenant', async (t) => {
  const { app, database: db, users: people } = await world(t)
  const eve = people.eve.user.id
  const attacker = createKysely(createPool({ url: db.runtimeUrl, max: 1 }))
  t.teardown(() => attacker.destroy())
  const org = { ...organization('aaaaaa', eve), slug: 'eve-org' }
  t.equal(await errorCode(withTenantContext(attacker, 'aaaaaa', eve, async (trx) => {
    await insertOrganization(trx, org)
    await join(trx, org, eve)
  })), '42501', 'the database refuses the organization and the self-granted admin membership')
  t.equal((await as(app, people.eve)('GET', '/aaaaaa/organizations/eve-org')).statusCode, 403, 'so the tenant guard still refuses eve')
  const res = await as(app, people.eve)('POST', '/aaaaaa/organizations', { name: 'Eve', slug: 'eve-org' })
  t.equal(res.statusCode, 403)
  t.equal(res.json().error.type, 'forbidden')
})

t.test("through the API, single-tenant mode: every user creates organizations in 'main'", async (t) => {
  const { app } = await build(t, { tenancy: 'single' })
  const newcomer = await signUp(app, 'newcomer@example.com')
  const res = await as(app, newcomer)('POST', '/main/organizations', { name: 'Mine', slug: 'mine' })
  t.equal(res.statusCode, 201)
  t.equal(res.json().membership.role, 'admin')
})
