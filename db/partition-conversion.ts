import { type Kysely, sql } from 'kysely'
import type { ManagedTable } from './partitioning.js'

interface Key { name: string; primary: boolean; columns: string[] }
interface Policy { name: string; permissive: boolean; command: string; roles: string[]; using: string | null; check: string | null }
interface Grant { grantee: string; privilege: string; grantable: boolean; column: string | null }
interface DependentFunction { signature: string; definition: string; defaultAcl: boolean; grantees: string[]; owner: string; comment: string | null }

const commands: Record<string, string> = { r: 'select', a: 'insert', w: 'update', d: 'delete', '*': 'all' }

/** Everything a table carries besides its columns and rows, read from the catalog (nothing hard-coded). */
async function definitionsOf(db: Kysely<unknown>, table: string) {
  const rel = sql`${`public.${table}`}::regclass`
  const { rows: keys } = await sql<Key>`
    select con.conname as name, con.contype = 'p' as primary,
      array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, n)
        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.n) as columns
    from pg_constraint con where con.conrelid = ${rel} and con.contype in ('p', 'u') order by con.contype, con.conname`.execute(db)
  const { rows: foreignKeys } = await sql<{ name: string; definition: string }>`
    select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
    where conrelid = ${rel} and contype = 'f' order by conname`.execute(db)
  // Indexes of their own (constraints' indexes come back with the constraints).
  const { rows: indexes } = await sql<{ name: string; definition: string; unique: boolean; columns: string[] }>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as definition, i.indisunique as unique,
      array(select a.attname::text from pg_attribute a where a.attrelid = i.indrelid and a.attnum = any (i.indkey)) as columns
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = ${rel} and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
    order by 1`.execute(db)
  const { rows: triggers } = await sql<{ definition: string }>`
    select pg_get_triggerdef(oid) as definition from pg_trigger where tgrelid = ${rel} and not tgisinternal order by tgname`.execute(db)
  const { rows: policies } = await sql<Policy>`
    select p.polname as name, p.polpermissive as permissive, p.polcmd as command,
      case when p.polroles = '{0}' then array['public'] else array(select quote_ident(rolname) from pg_roles where oid = any (p.polroles) order by 1) end as roles,
      pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check
    from pg_policy p where p.polrelid = ${rel} order by p.polname`.execute(db)
  const grantee = sql.raw(`case when x.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(x.grantee)) end`)
  const { rows: grants } = await sql<Grant>`
    select ${grantee} as grantee, x.privilege_type as privilege, x.is_grantable as grantable, null as column
    from pg_class c, aclexplode(c.relacl) x where c.oid = ${rel} and x.grantee <> c.relowner
    union all
    select ${grantee}, x.privilege_type, x.is_grantable, quote_ident(a.attname)
    from pg_attribute a join pg_class c on c.oid = a.attrelid, aclexplode(a.attacl) x
    where a.attrelid = ${rel} and x.grantee <> c.relowner`.execute(db)
  const { rows: [table_] } = await sql<{ me: string; owner: string; rls: boolean; forced: boolean; identity: string; comment: string | null; publications: string[]; inbound: string[] }>`
    select quote_ident(current_user) as me, quote_ident(pg_get_userbyid(c.relowner)) as owner, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
      c.relreplident as identity, obj_description(c.oid, 'pg_class') as comment,
      array(select quote_ident(p.pubname) from pg_publication_rel r join pg_publication p on p.oid = r.prpubid where r.prrelid = c.oid) as publications,
      array(select format('%s (%s)', k.conrelid::regclass, k.conname) from pg_constraint k where k.confrelid = c.oid and k.contype = 'f') as inbound
    from pg_class c where c.oid = ${rel}`.execute(db)
  // Functions that name the table's row type (`returns setof <table>`) or, with a SQL-standard
  // body, the table itself: they are bound to this table and must be bound to its successor.
  const { rows: functions } = await sql<DependentFunction>`
    select distinct p.oid::regprocedure::text as signature, pg_get_functiondef(p.oid) as definition,
      p.proacl is null as "defaultAcl", quote_ident(pg_get_userbyid(p.proowner)) as owner,
      array(select ${grantee} from aclexplode(p.proacl) x where x.grantee <> p.proowner and x.privilege_type = 'EXECUTE') as grantees,
      obj_description(p.oid, 'pg_proc') as comment
    from pg_depend d join pg_proc p on p.oid = d.objid
    where d.classid = 'pg_proc'::regclass and (
      (d.refclassid = 'pg_type'::regclass and d.refobjid = (select reltype from pg_class where oid = ${rel}))
      or (d.refclassid = 'pg_class'::regclass and d.refobjid = ${rel}))`.execute(db)
  return { keys, foreignKeys, indexes, triggers, policies, grants, table: table_!, functions }
}

const withKey = (columns: string[], key: string) => (columns.includes(key) ? columns : [...columns, key])
const list = (names: string[]) => sql.join(names.map((n) => sql.id(n)))

/**
 * Turns a plain table into one partitioned by range of `managed.column`, in the caller's
 * transaction (the table is locked ACCESS EXCLUSIVE until it commits): a partitioned twin with
 * the same columns (`LIKE … INCLUDING ALL`, so a column added by any migration comes along), its
 * partitions from the oldest row's period on, every row copied, then everything the old table
 * carried recreated on the twin under the same names: primary key and unique constraints (with the
 * partition key added: a partitioned table's unique keys must contain it), foreign keys, indexes,
 * triggers, RLS flags and policies, replica identity, grants, comment, publications, and the
 * functions bound to its row type. Returns the number of rows copied. Refused for a table other
 * tables reference (their foreign keys would need the partition key too) or whose partition key
 * may be null.
 */
export async function convertToPartitioned(db: Kysely<unknown>, managed: ManagedTable): Promise<number> {
  const { table, column } = managed
  const old = `${table}_unpartitioned`
  await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(db)
  const found = await definitionsOf(db, table)
  if (found.table.inbound.length > 0) throw new Error(`${table} cannot be partitioned: ${found.table.inbound.join(', ')} reference it`)
  const { rows: [keyColumn] } = await sql<{ notNull: boolean }>`
    select attnotnull as "notNull" from pg_attribute where attrelid = ${`public.${table}`}::regclass and attname = ${column}`.execute(db)
  if (!keyColumn?.notNull) throw new Error(`${table}.${column} must be not null to partition by it`)
  const uniqueIndex = found.indexes.find((i) => i.unique && !i.columns.includes(column))
  if (uniqueIndex) throw new Error(`${table} cannot be partitioned: unique index ${uniqueIndex.name} lacks ${column}`)

  for (const fn of found.functions) await sql`drop function ${sql.raw(fn.signature)}`.execute(db)
  await sql`alter table ${sql.table(table)} rename to ${sql.id(old)}`.execute(db)
  await sql`create table ${sql.table(table)} (like ${sql.table(old)} including all excluding indexes) partition by range (${sql.id(column)})`.execute(db)
  if (found.table.owner !== found.table.me) {
    await sql`alter table ${sql.table(table)} owner to ${sql.raw(found.table.owner)}`.execute(db)
  }
  // Partitions copy these from their parent when they are created (app.seal_partition).
  if (found.table.rls) await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
  if (found.table.forced) await sql`alter table ${sql.table(table)} force row level security`.execute(db)
  if (found.table.identity === 'f') await sql`alter table ${sql.table(table)} replica identity full`.execute(db)

  const { rows: [range] } = await sql<{ since: Date | null }>`select min(${sql.ref(column)}) as since from ${sql.table(old)}`.execute(db)
  await sql`select app.extend_partitions(m, ${range?.since ?? new Date()}) from app.partitioned_tables m where m.table_name = ${table}`.execute(db)
  const copied = await sql`insert into ${sql.table(table)} select * from ${sql.table(old)}`.execute(db)
  await sql`drop table ${sql.table(old)}`.execute(db)

  for (const key of found.keys) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(key.name)} ${sql.raw(key.primary ? 'primary key' : 'unique')} (${list(withKey(key.columns, column))})`.execute(db)
  }
  for (const fk of found.foreignKeys) await sql`alter table ${sql.table(table)} add constraint ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(db)
  // The definitions name the table as `public.<table>`: now the partitioned one.
  for (const statement of [...found.indexes.map((i) => i.definition), ...found.triggers.map((t) => t.definition)]) {
    await sql.raw(statement).execute(db)
  }
  for (const p of found.policies) {
    await sql`create policy ${sql.id(p.name)} on ${sql.table(table)} as ${sql.raw(p.permissive ? 'permissive' : 'restrictive')}
      for ${sql.raw(commands[p.command]!)} to ${sql.raw(p.roles.join(', '))}
      ${p.using ? sql`using (${sql.raw(p.using)})` : sql``} ${p.check ? sql`with check (${sql.raw(p.check)})` : sql``}`.execute(db)
  }
  for (const g of found.grants) {
    const target = g.column ? sql`${sql.raw(g.privilege)} (${sql.raw(g.column)})` : sql.raw(g.privilege)
    await sql`grant ${target} on ${sql.table(table)} to ${sql.raw(g.grantee)}${sql.raw(g.grantable ? ' with grant option' : '')}`.execute(db)
  }
  if (found.table.comment !== null) await sql`comment on table ${sql.table(table)} is ${sql.lit(found.table.comment)}`.execute(db)
  for (const publication of found.table.publications) await sql`alter publication ${sql.raw(publication)} add table ${sql.table(table)}`.execute(db)
  for (const fn of found.functions) {
    await sql.raw(fn.definition).execute(db)
    await sql`alter function ${sql.raw(fn.signature)} owner to ${sql.raw(fn.owner)}`.execute(db)
    await sql`revoke all on function ${sql.raw(fn.signature)} from public`.execute(db)
    for (const grantee of fn.defaultAcl ? ['public'] : fn.grantees) await sql`grant execute on function ${sql.raw(fn.signature)} to ${sql.raw(grantee)}`.execute(db)
    if (fn.comment !== null) await sql`comment on function ${sql.raw(fn.signature)} is ${sql.lit(fn.comment)}`.execute(db)
  }
  await sql`analyze ${sql.table(table)}`.execute(db)
  return Number(copied.numAffectedRows ?? 0)
}
