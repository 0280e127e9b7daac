import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { checkCatalog } from '../../db/catalog.js'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { withContext, withPublicContext, withTenantContext, withUserContext } from '../../db/rls.js'
import { testDatabase } from '../helper.js'
import { errorCode, seedTenants } from './fixtures.js'

// Every query below runs as runtime_role (NOBYPASSRLS) on a pool of ONE connection, so a
// setting leaking from one transaction would show up in the next. The pool is the API's own
// (pipelined, with the deferred BEGIN + context of `runtimeQueryPath`).
const database = await testDatabase(t)
const fx = await seedTenants(database.superuser)
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

const tenantTables = ['organizations', 'memberships', 'inactive_memberships', 'pages', 'attachments', 'activities'] as const
const { users, orgs, pages, attachments } = fx
const count = async (db: typeof runtime, table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n)
const asAlice = <T>(work: Parameters<typeof withTenantContext<T>>[3]) => withTenantContext(runtime, 'aaaaaa', users.alice, work)

t.test('no context: zero rows and failed writes on every tenant table', async (t) => {
  for (const table of tenantTables) {
    t.equal(await count(runtime, table), 0, `${table}: no rows without a context`)
  }
  t.equal(await errorCode(runtime.insertInto('pages').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, title: 'sneaky',
  }).execute()), '42501', 'insert into pages refused')
  t.equal(await errorCode(runtime.insertInto('organizations').values({
    id: uuid(), tenant_id: 'aaaaaa', name: 'n', slug: 'sneaky',
  }).execute()), '42501', 'insert into organizations refused')
  t.equal(await errorCode(runtime.insertInto('memberships').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, user_id: users.bob, role: 'admin',
  }).execute()), '42501', 'insert into memberships refused')
  t.equal(await errorCode(runtime.insertInto('attachments').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, filename: 'f', content_type: 'x', size: 1, key: 'k',
  }).execute()), '42501', 'insert into attachments refused')
  t.equal(await errorCode(runtime.insertInto('activities').values({
    id: 'x', tenant_id: 'aaaaaa', entity_type: 'page', entity_id: 'e', action: 'create',
  }).execute()), '42501', 'insert into activities refused')
  const updated = await runtime.updateTable('pages').set({ title: 'hacked' }).executeTakeFirst()
  t.equal(updated.numUpdatedRows, 0n, 'update touches nothing')
  const deleted = await runtime.deleteFrom('pages').executeTakeFirst()
  t.equal(deleted.numDeletedRows, 0n, 'delete touches nothing')
})

t.test('tenant A context never reaches tenant B', async (t) => {
  await asAlice(async (db) => {
    for (const table of tenantTables) {
      const other = await db.selectFrom(table).select('tenant_id').where('tenant_id', '=', 'bbbbbb').execute()
      t.equal(other.length, 0, `${table}: no tenant B rows`)
    }
    const orgNames = (await db.selectFrom('organizations').select('slug').orderBy('slug').execute()).map((o) => o.slug)
    t.same(orgNames, ['org-x', 'org-y'], 'organizations of tenant A only')
    const upd = await db.updateTable('pages').set({ title: 'hacked' }).where('id', '=', pages.z.privatePublished).executeTakeFirst()
    t.equal(upd.numUpdatedRows, 0n, 'update of a B page touches nothing')
    const del = await db.deleteFrom('attachments').where('id', '=', attachments.z).executeTakeFirst()
    t.equal(del.numDeletedRows, 0n, 'delete of a B attachment touches nothing')
    const delMembership = await db.deleteFrom('memberships').where('tenant_id', '=', 'bbbbbb').executeTakeFirst()
    t.equal(delMembership.numDeletedRows, 0n, 'delete of B memberships touches nothing')
  })
  t.equal(await errorCode(asAlice((db) => db.insertInto('pages').values({
    id: uuid(), tenant_id: 'bbbbbb', organization_id: orgs.z, title: 'planted',
  }).execute())), '42501', 'insert of a B page is refused')
  t.equal(await errorCode(asAlice((db) => db.insertInto('organizations').values({
    id: uuid(), tenant_id: 'bbbbbb', name: 'planted', slug: 'planted',
  }).execute())), '42501', 'insert of a B organization is refused')
  t.equal(await errorCode(asAlice((db) => db.insertInto('pages').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.z, title: 'cross-wired',
  }).execute())), '42501', 'a tenant A row pointing at a B organization is refused')
  const zRows = await database.superuser.selectFrom('pages').select('title').where('organization_id', '=', orgs.z).execute()
  t.equal(zRows.length, 3, 'tenant B pages are unchanged')
  t.notOk(zRows.some((r) => r.title === 'hacked'))
})

t.test('a member of org X cannot read org Y in the same tenant', async (t) => {
  await asAlice(async (db) => {
    const pageOrgs = new Set((await db.selectFrom('pages').select('organization_id').execute()).map((r) => r.organization_id))
    t.same([...pageOrgs], [orgs.x], 'pages of X only')
    const attachmentIds = (await db.selectFrom('attachments').select('id').execute()).map((r) => r.id)
    t.same(attachmentIds, [attachments.x], 'attachments of X only')
    const membershipOrgs = new Set((await db.selectFrom('memberships').select('organization_id').execute()).map((r) => r.organization_id))
    t.same([...membershipOrgs], [orgs.x], 'memberships of X only')
    const activityIds = (await db.selectFrom('activities').select('id').execute()).map((r) => r.id)
    t.same(activityIds, ['fixture-x'], 'activities of X only')
    const yPage = await db.selectFrom('pages').selectAll().where('id', '=', pages.y.privatePublished).execute()
    t.equal(yPage.length, 0, 'a Y page by id is invisible')
    const upd = await db.updateTable('pages').set({ title: 'hacked' }).where('organization_id', '=', orgs.y).executeTakeFirst()
    t.equal(upd.numUpdatedRows, 0n, 'Y pages cannot be updated')
  })
  t.equal(await errorCode(asAlice((db) => db.insertInto('pages').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.y, title: 'into Y',
  }).execute())), '42501', 'a page cannot be created in Y')
  await withTenantContext(runtime, 'aaaaaa', users.bob, async (db) => {
    const pageOrgs = new Set((await db.selectFrom('pages').select('organization_id').execute()).map((r) => r.organization_id))
    t.same([...pageOrgs], [orgs.y], 'bob sees Y pages only')
  })
})

t.test('user context: own memberships across tenants and nothing else', async (t) => {
  await withUserContext(runtime, users.dave, async (db) => {
    const memberships = await db.selectFrom('memberships').select(['user_id', 'tenant_id']).orderBy('tenant_id').execute()
    t.same(memberships.map((m) => m.tenant_id), ['aaaaaa', 'bbbbbb'], 'memberships in both tenants')
    t.ok(memberships.every((m) => m.user_id === users.dave), 'only his own')
    const orgIds = (await db.selectFrom('organizations').select('id').execute()).map((o) => o.id).sort()
    t.same(orgIds, [orgs.x, orgs.z].sort(), 'his organizations, in any tenant')
    t.equal(await count(db, 'pages'), 0, 'no pages in user context')
    t.equal(await count(db, 'attachments'), 0, 'no attachments in user context')
    t.equal(await count(db, 'activities'), 0, 'no activities for a normal user')
  })
  await withUserContext(runtime, users.bob, async (db) => {
    const invitations = await db.selectFrom('inactive_memberships').select('organization_id').execute()
    t.same(invitations.map((i) => i.organization_id), [orgs.x], 'bob sees his own pending invitation')
  })
  await withUserContext(runtime, users.alice, async (db) => {
    t.equal(await count(db, 'inactive_memberships'), 0, 'alice sees no invitation of others')
  })
})

t.test('public context: only public published pages of the named tenant', async (t) => {
  await withPublicContext(runtime, 'aaaaaa', async (db) => {
    const visible = (await db.selectFrom('pages').select('id').execute()).map((p) => p.id).sort()
    t.same(visible, [pages.x.publicPublished, pages.y.publicPublished].sort(), 'public published pages of A')
    t.equal(await count(db, 'attachments'), 0, 'no attachments')
    t.equal(await count(db, 'memberships'), 0, 'no memberships')
    t.equal(await count(db, 'organizations'), 0, 'no organizations')
    t.equal(await count(db, 'activities'), 0, 'no activities')
  })
  t.equal(await errorCode(withPublicContext(runtime, 'aaaaaa', (db) => db.insertInto('pages').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, title: 'anonymous', public_access: true, status: 'published',
  }).execute())), '42501', 'the public cannot write')
  await withPublicContext(runtime, 'bbbbbb', async (db) => {
    const visible = (await db.selectFrom('pages').select('id').execute()).map((p) => p.id)
    t.same(visible, [pages.z.publicPublished], 'tenant B shows only its own public page')
  })
})

t.test('INSERT … RETURNING works where it should', async (t) => {
  const page = await asAlice((db) => db.insertInto('pages').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, title: 'new', created_by: users.alice,
  }).returningAll().executeTakeFirstOrThrow())
  t.equal(page.title, 'new', 'a member creates a page and reads it back')

  // Creating an organization: the creator sees it before their membership exists, then becomes admin.
  const orgId = uuid()
  await withTenantContext(runtime, 'aaaaaa', users.bob, async (db) => {
    const org = await db.insertInto('organizations').values({
      id: orgId, tenant_id: 'aaaaaa', name: 'New', slug: 'new-org', created_by: users.bob,
    }).returningAll().executeTakeFirstOrThrow()
    t.equal(org.slug, 'new-org', 'organization returned to its creator')
    const membership = await db.insertInto('memberships').values({
      id: uuid(), tenant_id: 'aaaaaa', organization_id: orgId, user_id: users.bob, role: 'admin',
    }).returningAll().executeTakeFirstOrThrow()
    t.equal(membership.role, 'admin', 'the creator becomes its first admin')
  })
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.dave, (db) => db.insertInto('memberships').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgId, user_id: users.dave, role: 'admin',
  }).execute())), '42501', 'nobody else can make themselves a member of an org that has members')
})

t.test('roles inside an organization', async (t) => {
  const daveInX = await database.superuser.selectFrom('memberships').select('id')
    .where('user_id', '=', users.dave).where('organization_id', '=', orgs.x).executeTakeFirstOrThrow()
  t.equal(await errorCode(withTenantContext(runtime, 'aaaaaa', users.dave, (db) =>
    db.updateTable('memberships').set({ role: 'admin' }).where('id', '=', daveInX.id).execute())),
  '42501', 'a member cannot promote themselves')
  const muted = await withTenantContext(runtime, 'aaaaaa', users.dave, (db) =>
    db.updateTable('memberships').set({ muted: true }).where('id', '=', daveInX.id).executeTakeFirst())
  t.equal(muted.numUpdatedRows, 1n, 'a member can mute their own membership')
  const del = await withTenantContext(runtime, 'aaaaaa', users.dave, (db) =>
    db.deleteFrom('pages').where('id', '=', pages.x.publicDraft).executeTakeFirst())
  t.equal(del.numDeletedRows, 0n, "a member cannot delete someone else's page")
  const own = await withTenantContext(runtime, 'aaaaaa', users.dave, async (db) => {
    const id = uuid()
    await db.insertInto('pages').values({ id, tenant_id: 'aaaaaa', organization_id: orgs.x, title: 'mine', created_by: users.dave }).execute()
    return db.deleteFrom('pages').where('id', '=', id).executeTakeFirst()
  })
  t.equal(own.numDeletedRows, 1n, 'a member can delete their own page')
})

t.test('a system admin passes every tenant and organization', async (t) => {
  for (const tenant of ['aaaaaa', 'bbbbbb']) {
    await withTenantContext(runtime, tenant, users.sys, async (db) => {
      t.ok(await count(db, 'pages') >= 3, `sys admin reads ${tenant} pages`)
    })
  }
  await withUserContext(runtime, users.sys, async (db) => {
    t.ok(await count(db, 'activities') >= 3, 'sys admin reads the change log across tenants')
  })
})

t.test('id, tenant_id and organization_id are immutable', async (t) => {
  const attempts = {
    id: { id: uuid() },
    tenant_id: { tenant_id: 'bbbbbb' },
    organization_id: { organization_id: orgs.y },
  }
  for (const [column, change] of Object.entries(attempts)) {
    t.equal(await errorCode(asAlice((db) => db.updateTable('pages').set(change).where('id', '=', pages.x.privatePublished).execute())),
      'ST400', `changing pages.${column} is refused`)
  }
  t.equal(await errorCode(database.superuser.updateTable('memberships').set({ organization_id: orgs.y })
    .where('organization_id', '=', orgs.x).execute()), 'ST400', 'refused even for a superuser')
  t.equal(await errorCode(database.superuser.updateTable('tenants').set({ id: 'cccccc' }).where('id', '=', 'aaaaaa').execute()),
    'ST400', 'a tenant id cannot change')
})

t.test('a pooled connection carries no setting into the next transaction', async (t) => {
  const settings = () => sql<{ tenant: string; user: string; auth: string }>`
    select coalesce(current_setting('app.tenant_id', true), '') as tenant,
           coalesce(current_setting('app.user_id', true), '') as user,
           coalesce(current_setting('app.is_authenticated', true), '') as auth`.execute(runtime)
  await asAlice((db) => db.selectFrom('pages').select('id').execute())
  t.same((await settings()).rows[0], { tenant: '', user: '', auth: '' }, 'after a commit')
  t.equal(await count(runtime, 'pages'), 0, 'and no rows are visible')
  await t.rejects(asAlice(async (db) => {
    await db.selectFrom('pages').select('id').execute()
    throw new Error('rolled back')
  }))
  t.same((await settings()).rows[0], { tenant: '', user: '', auth: '' }, 'after a rollback')
  t.equal(await count(runtime, 'pages'), 0, 'and still no rows')
  // a context never outlives its transaction, even when set with the lower-level helper
  await withContext(runtime, { kind: 'public', tenantId: 'aaaaaa' }, async () => {})
  t.equal(await count(runtime, 'pages'), 0, 'public context gone too')
})

t.test('catalog check', async (t) => {
  t.same(await checkCatalog(runtime), [], 'the migrated schema is sound as seen by runtime_role')
  await sql`create table leaky (id uuid primary key, tenant_id text not null)`.execute(database.superuser)
  try {
    const problems = await checkCatalog(runtime)
    t.ok(problems.includes('leaky: row level security is not enabled'), 'a table without RLS is reported')
    t.ok(problems.includes('leaky: no permissive SELECT policy'), 'missing policies are reported')
  } finally {
    await sql`drop table leaky`.execute(database.superuser)
  }
  t.same(await checkCatalog(runtime), [], 'sound again once it is gone')
  t.ok((await checkCatalog(database.superuser)).some((p) => /superuser|bypass/.test(p)), 'a superuser connection fails the check')
})

t.test('runtime_role: no BYPASSRLS, no superuser, owns nothing', async (t) => {
  const { rows: [role] } = await sql<{ rolbypassrls: boolean; rolsuper: boolean }>`
    select rolbypassrls, rolsuper from pg_roles where rolname = current_user`.execute(runtime)
  t.equal(role!.rolbypassrls, false)
  t.equal(role!.rolsuper, false)
  const { rows: owned } = await sql<{ relname: string }>`
    select c.relname from pg_class c join pg_roles r on r.oid = c.relowner
    where r.rolname = current_user and c.relkind = 'r'`.execute(runtime)
  t.same(owned, [], 'no table is owned by runtime_role')
  const { rows: [who] } = await sql<{ user: string }>`select current_user as user`.execute(runtime)
  t.equal(who!.user, 'runtime_role', 'the tests above ran as runtime_role')
})
