import { sql } from 'kysely'
import t from 'tap'
import { foldEntityCounts } from '../../db/entity-counts.js'
import { v7 as uuid } from 'uuid'
import { checkCatalog } from '../../db/catalog.js'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { withTenantContext } from '../../db/rls.js'
import { applyEntityIsolation } from '../../entities/isolation.js'
import { exactUpTo } from '../../entities/list-total.js'
import { as } from '../helper.js'
import { world } from '../routes/world.js'

// The list's maintained total (issue 16, migration 0013): exact through every kind of write, read
// instead of counting the organization, readable only like the entity, and Prefer: count=….
const w = await world(t)
const { app, database, users, orgs } = w
const su = database.superuser
const alice = as(app, users.alice)
const dave = as(app, users.dave)
const bob = as(app, users.bob)
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

/** The maintained counts, as the owner sees them, beside what counting the rows says. */
async function counts() {
  const { rows } = await sql<{ org: string; type: string; maintained: string; actual: string }>`
    select c.organization_id as org, 'page' as type, sum(c.n)::text as maintained,
      (select count(*) from pages p where p.organization_id = c.organization_id)::text as actual
    from entity_counts c where c.entity_type = 'page' group by c.organization_id order by 1`.execute(su)
  return rows
}
const listTotal = async (client: typeof alice, url: string) => (await client('GET', url)).json().total as number

t.test('the total stays exact through API and SQL writes, and the list reads it', async (t) => {
  for (const title of ['a', 'b', 'c']) t.equal((await dave('POST', '/aaaaaa/org-x/pages', { title })).statusCode, 201)
  for (const title of ['y1', 'y2']) await bob('POST', '/aaaaaa/org-y/pages', { title })
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), 3, 'after API creates')

  // One plain statement over two organizations (the trigger runs once, per statement).
  await sql`insert into pages (id, tenant_id, organization_id, title)
    select gen_random_uuid(), 'aaaaaa', o, 'bulk' from unnest(array[${orgs.x}::uuid, ${orgs.x}::uuid, ${orgs.y}::uuid]) o`.execute(su)
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), 5, 'after a plain SQL insert')
  t.equal(await listTotal(bob, '/aaaaaa/org-y/pages'), 3)

  const mine = (await dave('GET', '/aaaaaa/org-x/pages?sort=title')).json().items.filter((p: { title: string }) => p.title !== 'bulk')
  const removed = await dave('DELETE', '/aaaaaa/org-x/pages', { ids: mine.slice(0, 2).map((p: { id: string }) => p.id) })
  t.equal(removed.json().data.length, 2)
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), 3, 'after a batch delete')
  await sql`delete from pages where organization_id = ${orgs.x} and title = 'bulk'`.execute(su)
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), 1, 'after a plain SQL delete')
  // a rolled-back write leaves the count as it was
  await su.transaction().execute(async (trx) => {
    await sql`insert into pages (id, tenant_id, organization_id, title) values (gen_random_uuid(), 'aaaaaa', ${orgs.x}, 'gone')`.execute(trx)
    throw new Error('roll back')
  }).catch(() => {})
  for (const row of await counts()) t.equal(row.maintained, row.actual, `maintained = counted for ${row.org}`)

  // The unfiltered list reads the maintained count rather than counting: a planted value shows.
  const plant = async (n: number) => {
    await sql`delete from entity_counts where organization_id = ${orgs.x} and entity_type = 'page'`.execute(su)
    await sql`insert into entity_counts (tenant_id, organization_id, entity_type, n, members_read) values ('aaaaaa', ${orgs.x}, 'page', ${n}, true)`.execute(su)
  }
  await plant(4242)
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), 4242, 'unfiltered: the maintained count')
  t.same((await dave('GET', '/aaaaaa/org-x/pages?offset=100')).json(), { items: [], total: 4242 }, 'past the end too')
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages?q=c'), 1, 'filtered: counted')
  await plant(1)

  // An organization's deletion cascades to its pages and its count, without error.
  await su.deleteFrom('organizations').where('id', '=', orgs.y).execute()
  t.same((await counts()).map((r) => r.org), [orgs.x], 'the deleted organization has no count left')
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), 1)
})

t.test('writers of one organization never wait on each other, and folding keeps the totals', async (t) => {
  const before = await listTotal(dave, '/aaaaaa/org-x/pages')
  await su.connection().execute(async (open) => {
    await sql`begin`.execute(open)
    await sql`insert into pages (id, tenant_id, organization_id, title) values (gen_random_uuid(), 'aaaaaa', ${orgs.x}, 'open')`.execute(open)
    // A second writer of the same organization commits while the first is still open.
    const second = sql`insert into pages (id, tenant_id, organization_id, title) values (gen_random_uuid(), 'aaaaaa', ${orgs.x}, 'beside')`.execute(su)
    const waited = await Promise.race([second.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 3_000))])
    t.equal(waited, false, 'the second insert did not wait for the open transaction')
    t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), before + 1, 'the committed one counts, the open one not yet')
    await sql`commit`.execute(open)
  })
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), before + 2)
  const rows = async () => Number((await sql<{ n: string }>`select count(*) as n from entity_counts`.execute(su)).rows[0]!.n)
  t.ok(await rows() > 1)
  t.ok(await foldEntityCounts(su) > 0, 'deltas folded')
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), before + 2, 'the same total after folding')
  for (const row of await counts()) t.equal(row.maintained, row.actual, `maintained = counted for ${row.org}`)
  t.equal(await foldEntityCounts(su), 0, 'nothing left to fold')
  await sql`delete from pages where title in ('open', 'beside')`.execute(su)
  t.equal(await listTotal(dave, '/aaaaaa/org-x/pages'), before)
})

t.test('RLS: the count is readable like the entity', async (t) => {
  const visible = (userId: string, tenant: string) => withTenantContext(runtime, tenant, userId,
    (db) => sql<{ org: string; type: string }>`select distinct organization_id as org, entity_type as type from entity_counts order by 2`.execute(db)).then((r) => r.rows)
  t.same(await visible(users.dave.user.id, 'aaaaaa'), [{ org: orgs.x, type: 'page' }], 'a member of the organization')
  t.same(await visible(users.eve.user.id, 'aaaaaa'), [], 'no member: nothing')
  t.same(await visible(users.carol.user.id, 'aaaaaa'), [], 'a member of another tenant: nothing')
  t.same(await visible(users.dave.user.id, 'bbbbbb'), [], 'through another tenant: nothing')
  t.same((await sql`select * from entity_counts`.execute(runtime)).rows, [], 'without a context: nothing')
  t.equal(await sql`update entity_counts set n = 0`.execute(runtime).then(() => 'ok', (e: { code: string }) => e.code), '42501', 'the runtime role cannot write it')

  // An entity members read only when they own the row: its total is for admins only, and the
  // member's list counts the rows they see.
  await sql`create table tickets (id uuid primary key, tenant_id text not null, organization_id uuid not null,
    assignee uuid, created_by uuid, created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(su)
  await sql`insert into tickets (id, tenant_id, organization_id, assignee) values
    (${uuid()}, 'aaaaaa', ${orgs.x}, ${users.dave.user.id}), (${uuid()}, 'aaaaaa', ${orgs.x}, ${users.alice.user.id})`.execute(su)
  await applyEntityIsolation(su, { type: 'ticket', table: 'tickets', rules: { create: true, read: { ownedBy: 'assignee' }, update: true, delete: false } }, defaultRoleNames)
  const tickets = (rows: Array<{ type: string }>) => rows.filter((r) => r.type === 'ticket')
  t.same(tickets(await visible(users.dave.user.id, 'aaaaaa')), [], 'a member who reads only their own tickets: no total')
  t.same(tickets(await visible(users.alice.user.id, 'aaaaaa')), [{ org: orgs.x, type: 'ticket' }], 'an admin: backfilled total')
  t.same(tickets(await visible(users.sys.user.id, 'aaaaaa')), [{ org: orgs.x, type: 'ticket' }], 'a system admin')
  t.same((await sql`select sum(n)::text as n from entity_counts where entity_type = 'ticket'`.execute(su)).rows, [{ n: '2' }])
})

t.test('catalog check: an entity without its count triggers is reported', async (t) => {
  t.same(await checkCatalog(runtime), [], 'sound')
  await sql`drop trigger pages_count_deletes on pages`.execute(su)
  t.ok((await checkCatalog(runtime)).includes("entity page (pages): no app.count_entity_rows('page') triggers for inserts and deletes (the list's total)"))
  await sql`alter table tickets disable trigger tickets_count_inserts`.execute(su)
  t.ok((await checkCatalog(runtime)).some((p) => p.startsWith('entity ticket (tickets): no app.count_entity_rows')), 'a disabled one too')
  await applyEntityIsolation(su, { type: 'page', table: 'pages', rules: { create: true, read: true, update: true, delete: { ownedBy: 'created_by' } } }, defaultRoleNames)
  await applyEntityIsolation(su, { type: 'ticket', table: 'tickets', rules: { create: true, read: { ownedBy: 'assignee' }, update: true, delete: false } }, defaultRoleNames)
  t.same(await checkCatalog(runtime), [], 'the helper repairs it')
})

t.test('Prefer: count=exact|planned|estimated', async (t) => {
  await sql`insert into pages (id, tenant_id, organization_id, title, status)
    select gen_random_uuid(), 'aaaaaa', ${orgs.x}, 'many ' || n, 'published' from generate_series(1, ${exactUpTo + 50}) n`.execute(su)
  await sql`analyze pages`.execute(su)
  const get = (url: string, prefer?: string) => alice('GET', url, undefined, prefer ? { prefer } : {})
  const total = exactUpTo + 51

  const plain = await get('/aaaaaa/org-x/pages?limit=1')
  t.equal(plain.json().total, total, 'unfiltered: exact')
  t.notOk(plain.headers['preference-applied'], 'no preference asked, none answered')
  for (const prefer of ['count=exact', 'count=planned', 'count=estimated']) {
    const res = await get('/aaaaaa/org-x/pages?limit=1', prefer)
    t.equal(res.json().total, total, `unfiltered with ${prefer}: the maintained count is exact`)
    t.equal(res.headers['preference-applied'], 'count=exact')
  }

  const filtered = '/aaaaaa/org-x/pages?limit=1&status=published'
  t.equal((await get(filtered)).json().total, exactUpTo + 50, 'filtered, by default: exact')
  const exact = await get(filtered, 'return=minimal, count=exact')
  t.equal(exact.json().total, exactUpTo + 50)
  t.equal(exact.headers['preference-applied'], 'count=exact')
  const planned = await get(filtered, 'count=planned')
  t.equal(planned.headers['preference-applied'], 'count=planned')
  t.ok(Number.isInteger(planned.json().total) && planned.json().total > 0, `planned: the planner's estimate (${planned.json().total})`)
  const estimated = await get(filtered, 'count=estimated')
  t.equal(estimated.headers['preference-applied'], 'count=estimated')
  t.ok(Number.isInteger(estimated.json().total) && estimated.json().total > exactUpTo, `estimated, above ${exactUpTo}: planned, at least what was counted (${estimated.json().total})`)
  const few = await get('/aaaaaa/org-x/pages?limit=1&q=many%2012', 'count=estimated')
  t.equal(few.json().total, 111, 'estimated, few matches: exact (many 12, 120–129, 1200–1299)')
  t.equal(few.json().items.length, 1)
})
