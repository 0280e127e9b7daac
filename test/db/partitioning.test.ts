import { spawnSync } from 'node:child_process'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { loadEnv } from '../../config/env.js'
import { partitioningFromEnv } from '../../config/env-options.js'
import type { PartitioningOptions } from '../../config/options.js'
import { checkCatalog } from '../../db/catalog.js'
import { createKysely, createPool } from '../../db/connection.js'
import { partitionOnInstall } from '../../db/partitioning.js'
import { withContext } from '../../db/rls.js'
import type { DB } from '../../db/schema.js'
import { invalidationChannel } from '../../sync/activity.js'
import { cursorOf } from '../../sync/changes.js'
import { persistTransaction } from '../../sync/persist.js'
import { type TestDatabase, type Teardown, as, build, eventually, syncOptions, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from '../sync/sync-world.js'
import { seedTenants } from './fixtures.js'

const options: PartitioningOptions = { activities: 'daily', sessions: 'monthly' }
const day = 24 * 3600 * 1000

/** A fresh database with the option applied, as the boot of server.ts applies PARTITIONING. */
async function partitionedDatabase(t: Teardown): Promise<TestDatabase> {
  const db = await testDatabase(t)
  await partitionOnInstall(db.superuserUrl, db.runtimeUrl, options)
  return db
}

function runtimeOf(t: Teardown, db: TestDatabase): Kysely<DB> {
  const runtime = createKysely(createPool({ url: db.runtimeUrl, max: 1 }))
  t.teardown(() => runtime.destroy())
  return runtime
}

const relkind = async (db: TestDatabase, table: string) =>
  (await sql<{ kind: string }>`select relkind as kind from pg_class where oid = to_regclass(${table})`.execute(db.superuser)).rows[0]?.kind

/** Range partitions of a table with their bounds, oldest first. */
const partitionsOf = async (db: TestDatabase, table: string) => (await sql<{ name: string; bound: string }>`
  select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
  where i.inhparent = ${table}::regclass order by c.relname`.execute(db.superuser)).rows

/** The partition an activity is stored in. */
const partitionOfActivity = async (db: TestDatabase, id: string) =>
  (await sql<{ name: string }>`select tableoid::regclass::text as name from activities where id = ${id}`.execute(db.superuser)).rows[0]?.name

/** Every row of a table as text, in a fixed order: equal before and after a conversion when every column came along. */
const fingerprint = async (db: TestDatabase, table: string) => (await sql<{ md5: string; n: number }>`
  select md5(string_agg(to_jsonb(x)::text, ',' order by x.id)) as md5, count(*)::int as n from ${sql.table(table)} x`.execute(db.superuser)).rows[0]!

t.test('off by default: plain tables, nothing installed, nothing registered', async (t) => {
  const { app, db } = await build(t)
  t.equal(app.config.partitioning, false)
  t.equal(await relkind(db!, 'activities'), 'r', 'no migration of the default list partitions the change log')
  t.equal(await relkind(db!, 'sessions'), 'r')
  t.equal(await relkind(db!, 'app.partitioned_tables'), undefined, 'no partition management')
  const ready = (await app.inject({ method: 'GET', url: '/ready' })).json()
  t.notOk('partitioning' in ready.checks, 'no readiness check')
})

t.test('PARTITIONING: the option from the environment; a bad value names the variable', async (t) => {
  t.equal(partitioningFromEnv(loadEnv({})), false, 'off by default')
  t.same(partitioningFromEnv(loadEnv({ PARTITIONING: 'activities:monthly' })), { activities: 'monthly', sessions: false })
  t.same(partitioningFromEnv(loadEnv({ PARTITIONING: 'activities:daily,sessions:monthly' })), options)
  t.throws(() => loadEnv({ PARTITIONING: 'sessions:daily' }), /PARTITIONING: must be off or activities:<daily\|monthly>/)
})

t.test('fresh install with the option', async (t) => {
  const db = await partitionedDatabase(t)
  t.equal(await relkind(db, 'activities'), 'p')
  t.equal(await relkind(db, 'sessions'), 'p')
  t.equal(await relkind(db, 'tokens'), 'r', 'tokens stay plain (invitations reference them)')
  t.equal(await relkind(db, 'api_tokens'), 'r', 'API tokens stay plain (an expiry is optional)')
  const daily = (await partitionsOf(db, 'activities')).filter((p) => p.bound !== 'DEFAULT')
  t.ok(daily.length >= 7, `partitions ahead (${daily.length})`)
  t.ok(daily.every((p) => /FROM \('\d{4}-\d\d-\d\d 00:00:00\+00'\) TO/.test(p.bound)), 'one per UTC day')
  t.ok((await partitionsOf(db, 'activities')).some((p) => p.bound === 'DEFAULT'), 'a default partition catches the rest')
  const { rows: [pub] } = await sql<{ root: boolean }>`select pubviaroot as root from pg_publication where pubname = 'strata_pub'`.execute(db.superuser)
  t.equal(pub?.root, true, 'the publication publishes partitions under their root')
  t.same(await checkCatalog(runtimeOf(t, db)), [], 'the catalog check passes')

  const { app } = await build(t, { partitioning: options }, { database: db })
  const ready = (await app.inject({ method: 'GET', url: '/ready' })).json()
  t.same(ready.checks.partitioning, [])
  t.same(ready.checks.catalog, [])
  // Sessions land in the partition of their expiry month, and signing out still deletes them.
  const res = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'p@example.com', password: 'password-123' } })
  t.equal(res.statusCode, 201)
  const { rows: [session] } = await sql<{ part: string }>`select tableoid::regclass::text as part from sessions`.execute(db.superuser)
  t.match(session?.part, /^sessions_p\d{6}01$/)
  const cookie = String(res.headers['set-cookie']).split(';')[0]!
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: { cookie } })).statusCode, 200)
  t.equal((await as(app, { cookie, user: res.json().user })('POST', '/auth/sign-out')).statusCode, 204)
  t.equal((await db.superuser.selectFrom('sessions').select('id').execute()).length, 0)
})

t.test('shortening a session across a partition boundary still notifies its revocation', async (t) => {
  const db = await partitionedDatabase(t)
  const seed = await seedTenants(db.superuser)
  await db.superuser.insertInto('sessions').values({
    id: uuid(), secret: 'far', user_id: seed.users.alice, expires_at: new Date(Date.now() + 60 * day), user_agent: null, ip: null,
  }).execute()
  const listener = new pg.Client({ connectionString: db.superuserUrl })
  await listener.connect()
  t.teardown(() => listener.end())
  const notices: string[] = []
  listener.on('notification', (n) => { notices.push(n.payload ?? '') })
  await listener.query(`listen ${invalidationChannel}`)
  const { rows: [moved] } = await sql<{ from: string; to: string }>`
    with old as (select tableoid::regclass::text as part from sessions where secret = 'far')
    update sessions set expires_at = now() + interval '1 hour' where secret = 'far'
    returning (select part from old) as from, tableoid::regclass::text as to`.execute(db.superuser)
  t.not(moved?.from, moved?.to, 'the row moved to another partition (a delete and an insert)')
  await eventually(() => notices.includes('session:far'), 5_000, 'the revocation notice')
})

t.test('the option on a database whose tables are not partitioned refuses to boot, naming the command', async (t) => {
  const db = await testDatabase(t)
  await t.rejects(build(t, { partitioning: options }, { database: db }), /activities, sessions are not partitioned: run npm run db:partition/)
})

t.test('npm run db:partition converts a populated database, every column and everything on the tables', async (t) => {
  const db = await testDatabase(t)
  const su = db.superuser
  const seed = await seedTenants(su)
  // A column no code names: the conversion copies columns from the catalog, not from a list.
  await sql`alter table activities add column note text default 'kept'`.execute(su)
  await su.insertInto('activities').values([0, 1, 2, 3].map((daysAgo) => ({
    id: `old-${daysAgo}`, tenant_id: 'aaaaaa', organization_id: seed.orgs.x, entity_type: 'page', entity_id: uuid(), action: 'create' as const,
    created_at: new Date(Date.now() - daysAgo * day),
  }))).execute()
  await su.insertInto('sessions').values([-40, 3, 20].map((days) => ({
    id: uuid(), secret: `s${days}`, user_id: seed.users.alice, expires_at: new Date(Date.now() + days * day), user_agent: null, ip: null,
  }))).execute()
  const catalogOf = async () => (await sql<{ what: string }>`
    select 'policy ' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') as what from pg_policies where tablename in ('activities', 'sessions')
    union all select 'grant ' || grantee || ' ' || table_name || ' ' || privilege_type from information_schema.role_table_grants where table_name in ('activities', 'sessions')
    union all select 'trigger ' || tgname from pg_trigger where tgrelid in ('activities'::regclass, 'sessions'::regclass) and not tgisinternal
    union all select 'function ' || p.oid::regprocedure::text || ' ' || coalesce(array_to_string(p.proacl, ','), '') from pg_proc p where prorettype = 'activities'::regtype
    order by 1`.execute(su)).rows.map((r) => r.what)
  const before = { activities: await fingerprint(db, 'activities'), sessions: await fingerprint(db, 'sessions'), catalog: await catalogOf() }

  await t.rejects(partitionOnInstall(db.superuserUrl, db.runtimeUrl, options), /activities holds rows and is not partitioned: convert it with npm run db:partition/,
    'the boot (and npm run migrate) never converts a populated table')
  const env = { ...process.env, DATABASE_ADMIN_URL: db.superuserUrl, DATABASE_URL: db.runtimeUrl, CDC_DATABASE_URL: db.cdcUrl, PARTITIONING: 'activities:daily,sessions:monthly' }
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-partition.ts'], { env, encoding: 'utf8', timeout: 60_000 })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /converted activities: 7 rows copied/)
  t.match(run.stdout, /converted sessions: 3 rows copied/)

  t.equal(await relkind(db, 'activities'), 'p')
  t.equal(await relkind(db, 'sessions'), 'p')
  t.same(await fingerprint(db, 'activities'), before.activities, 'every activity, every column')
  t.same(await fingerprint(db, 'sessions'), before.sessions, 'every session, every column')
  t.same(await catalogOf(), before.catalog, 'policies, grants, triggers and the functions returning activities are as before')
  const parts = new Set(await Promise.all([0, 1, 2, 3].map((d) => partitionOfActivity(db, `old-${d}`))))
  t.equal(parts.size, 4, 'four days, four partitions')
  const { rows: keys } = await sql<{ def: string }>`select pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid in ('activities'::regclass, 'sessions'::regclass) and contype in ('p', 'u') order by 1`.execute(su)
  t.same(keys.map((k) => k.def), ['PRIMARY KEY (id, created_at)', 'PRIMARY KEY (id, expires_at)', 'UNIQUE (secret, expires_at)'], 'unique keys carry the partition key')
  await t.rejects(sql`update activities set tenant_id = 'bbbbbb' where id = 'old-0'`.execute(su), /cannot be changed/, 'the immutability trigger')
  t.same(await checkCatalog(runtimeOf(t, db)), [])

  const again = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-partition.ts'], { env, encoding: 'utf8', timeout: 60_000 })
  t.equal(again.status, 0, again.stderr)
  t.notMatch(again.stdout, /converted/, 'idempotent: a partitioned table is left as it is')
})

t.test('RLS on the partitioned change log', async (t) => {
  const db = await partitionedDatabase(t)
  const seed = await seedTenants(db.superuser)
  const runtime = runtimeOf(t, db)
  const visible = (context: Parameters<typeof withContext>[1]) =>
    withContext(runtime, context, (trx) => trx.selectFrom('activities').select(['tenant_id', 'organization_id']).execute())
  const total = (await db.superuser.selectFrom('activities').select('id').execute()).length
  t.equal(total, 3, 'one activity per organization, in the partitions')
  const alice = await visible({ kind: 'tenant', tenantId: 'aaaaaa', userId: seed.users.alice })
  t.same(alice.map((a) => a.organization_id), [seed.orgs.x], 'a member sees their organization only')
  t.same(await visible({ kind: 'tenant', tenantId: 'bbbbbb', userId: seed.users.alice }), [], 'another tenant: nothing')
  t.same(await runtime.selectFrom('activities').select(['id', 'tenant_id']).execute(), [], 'no context: nothing')
  await t.rejects(withContext(runtime, { kind: 'tenant', tenantId: 'aaaaaa', userId: seed.users.alice }, (trx) => trx.selectFrom('activities').select('row_data').execute()),
    /permission denied/, 'row images are not granted (migration 0021), after the conversion too')
  await t.rejects(withContext(runtime, { kind: 'tenant', tenantId: 'aaaaaa', userId: seed.users.alice }, (trx) => trx.insertInto('activities')
    .values({ id: 'forged', tenant_id: 'aaaaaa', entity_type: 'page', entity_id: 'p', action: 'create' }).execute()), /row-level security|permission denied/)
  const [partition] = (await partitionsOf(db, 'activities')).filter((p) => p.bound !== 'DEFAULT')
  await t.rejects(sql`select * from ${sql.table(partition!.name)}`.execute(runtime), /permission denied/, 'a partition cannot be read directly')
})

t.test('the catalog check fails when a partition escapes', async (t) => {
  const db = await partitionedDatabase(t)
  await seedTenants(db.superuser)
  const runtime = runtimeOf(t, db)
  const { rows: [held] } = await sql<{ part: string }>`select tableoid::regclass::text as part from activities limit 1`.execute(db.superuser)
  const part = held!.part
  t.same(await checkCatalog(runtime), [])

  // Readable directly and without RLS: every tenant's changes, past the parent's policies.
  await sql`grant select on ${sql.table(part)} to runtime_role`.execute(db.superuser)
  await sql`alter table ${sql.table(part)} no force row level security, disable row level security`.execute(db.superuser)
  t.equal((await sql`select * from ${sql.table(part)}`.execute(runtime)).rows.length, 3, 'the escape is real: no context, every tenant')
  t.same(await checkCatalog(runtime), [
    `${part} (partition of activities): the role may use it directly, past activities's policies`,
    `${part} (partition of activities): row level security is not enabled`,
    `${part} (partition of activities): row level security is not forced`,
  ])
  await sql`revoke select on ${sql.table(part)} from runtime_role`.execute(db.superuser)
  t.same(await checkCatalog(runtime), [
    `${part} (partition of activities): row level security is not enabled`,
    `${part} (partition of activities): row level security is not forced`,
  ], 'RLS off on a partition fails even without a grant')
})

t.test('the catalog check sees a partition created later in another schema', async (t) => {
  const db = await partitionedDatabase(t)
  await seedTenants(db.superuser)
  const runtime = runtimeOf(t, db)
  // A partition of the change log far ahead, in a schema of its own the runtime role may use.
  await sql`
    create schema elsewhere;
    grant usage on schema elsewhere to runtime_role;
    create table elsewhere.activities_side partition of activities for values from ('2090-01-01') to ('2090-02-01');
    grant select on elsewhere.activities_side to runtime_role;
    insert into activities (id, tenant_id, entity_type, entity_id, action, created_at) values ('side', 'bbbbbb', 'tenant', 'bbbbbb', 'update', '2090-01-02')`
    .execute(db.superuser)
  t.equal((await sql`select * from elsewhere.activities_side`.execute(runtime)).rows.length, 1, 'the escape is real: no context, another tenant\'s change')
  t.same(await checkCatalog(runtime), [
    'elsewhere.activities_side (partition of activities): the role may use it directly, past activities\'s policies',
    'elsewhere.activities_side (partition of activities): row level security is not enabled',
    'elsewhere.activities_side (partition of activities): row level security is not forced',
  ])
})

t.test('retention: db:maintenance drops whole partitions past the cut-off and keeps the rest', async (t) => {
  const db = await testDatabase(t)
  const su = db.superuser
  const seed = await seedTenants(su)
  const ages = [10, 6, 2, 0]
  await su.insertInto('activities').values(ages.map((daysAgo) => ({
    id: `a-${String(100 - daysAgo)}`, tenant_id: 'aaaaaa', entity_type: 'page', entity_id: uuid(), action: 'create' as const,
    created_at: new Date(Date.now() - daysAgo * day),
  }))).execute()
  await su.insertInto('sessions').values([-70, -1, 5].map((days) => ({
    id: uuid(), secret: `s${days}`, user_id: seed.users.alice, expires_at: new Date(Date.now() + days * day), user_agent: null, ip: null,
  }))).execute()
  const env = { ...process.env, DATABASE_ADMIN_URL: db.superuserUrl, DATABASE_URL: db.runtimeUrl, CDC_DATABASE_URL: db.cdcUrl, PARTITIONING: 'activities:daily,sessions:monthly' }
  t.equal(spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-partition.ts'], { env, encoding: 'utf8', timeout: 60_000 }).status, 0)
  const oldParts = await Promise.all(['a-90', 'a-94'].map((id) => partitionOfActivity(db, id)))
  const partitionCount = (await partitionsOf(db, 'activities')).length

  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-maintenance.ts', '--retention-days=4'], { env, encoding: 'utf8', timeout: 60_000 })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /partitions: created/)
  const kept = await su.selectFrom('activities').select('id').where('id', 'like', 'a-%').orderBy('id').execute()
  t.same(kept.map((r) => r.id), ['a-100', 'a-98'], 'activities older than 4 days are gone, the rest kept')
  const left = (await partitionsOf(db, 'activities')).map((p) => p.name)
  t.ok(oldParts.every((p) => p && !left.includes(p)), 'their partitions were dropped, not emptied')
  t.ok(left.length < partitionCount, `${partitionCount - left.length} partitions dropped`)
  t.same((await su.selectFrom('sessions').select('secret').orderBy('secret').execute()).map((r) => r.secret), ['s5'], 'expired sessions gone')
  t.ok((await partitionsOf(db, 'sessions')).length >= 2, 'the sessions partition of now and the default remain')
})

t.test('the CDC worker writes activities into the partitions, and a replay writes nothing twice', async (t) => {
  const database = await partitionedDatabase(t)
  const { app, users } = await syncWorld(t, { partitioning: options }, { database })
  const alice = as(app, users.alice)
  const res = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Hello', status: 'published' })
  t.equal(res.statusCode, 201)
  const pageId = res.json().id as string
  const row = await eventually(() => database.superuser.selectFrom('activities').selectAll().where('entity_id', '=', pageId).executeTakeFirst(), 10_000, 'the activity')
  t.match(await partitionOfActivity(database, row.id), /^activities_p\d{8}$/)

  // The worker's write, replayed (a crash before acknowledging): the same commit time, the same partition, no new row.
  const cdc = createKysely(createPool({ url: database.cdcUrl, max: 1 }))
  t.teardown(() => cdc.destroy())
  const tx = {
    commitLsn: '0/FFFF0000', commitTime: new Date(Date.now() - day),
    changes: [{ action: 'create' as const, entityType: 'tenant', entityId: 'aaaaaa', tenantId: 'aaaaaa', organizationId: null, userId: null, changedFields: null, before: null, after: null, row: null }],
  }
  t.equal((await persistTransaction(cdc, tx)).length, 1)
  t.equal((await persistTransaction(cdc, tx)).length, 0, 'the replay inserts nothing')
  t.equal((await database.superuser.selectFrom('activities').select('id').where('id', '=', cursorOf(tx.commitLsn, 0)).execute()).length, 1)
})

t.test('notify source on partitioned activities, and a stream catch-up across a partition boundary', async (t) => {
  const database = await partitionedDatabase(t)
  await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
  const { app, users } = await world(t, { ...syncOptions(database, 'notify'), partitioning: options }, { database })
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const alice = as(app, users.alice)
  const before = app.activityBus!.cursor
  const ids: string[] = []
  for (const title of ['yesterday', 'today']) {
    const res = await alice('POST', '/aaaaaa/org-x/pages', { title, status: 'published', publicAccess: true })
    t.equal(res.statusCode, 201)
    ids.push(res.json().id)
  }
  const activities = await eventually(async () => {
    const rows = await database.superuser.selectFrom('activities').select(['id', 'entity_id']).where('entity_id', 'in', ids).orderBy('id').execute()
    return rows.length === 2 && rows
  }, 10_000, 'the sequenced activities')
  t.same(activities.map((a) => a.entity_id), ids, 'sequenced by the notify source, in order')
  t.match(await partitionOfActivity(database, activities[1]!.id), /^activities_p\d{8}$/, 'stored in a partition')
  // The first change moves into yesterday's partition: the replay must cross the boundary.
  await sql`update activities set created_at = created_at - interval '1 day' where id = ${activities[0]!.id}`.execute(database.superuser)
  const [first, second] = await Promise.all(activities.map((a) => partitionOfActivity(database, a.id)))
  t.not(first, second, 'two partitions')

  const streams: Array<[string, string, Record<string, string>]> = [
    ['member', `${baseUrl}/entities/app/stream`, { cookie: users.alice.cookie }],
    ['public', `${baseUrl}/public/aaaaaa/stream`, {}],
  ]
  for (const [who, url, headers] of streams) {
    const client = await openStream(url, { ...headers, 'last-event-id': before })
    t.teardown(() => client.close())
    await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the catch-up')
    t.same(client.changes().filter((c) => ids.includes(c.entityId)).map((c) => c.cursor), activities.map((a) => a.id),
      `${who} stream: both changes replayed in order by Last-Event-ID`)
  }
})
