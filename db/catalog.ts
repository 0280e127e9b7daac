import type { DB } from './schema.js'
import { type Kysely, sql } from 'kysely'
import { type EntityCatalogOptions, checkEntities } from '../entities/catalog.js'

const commands = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const

interface TableRow {
  table: string
  rls: boolean
  forced: boolean
  restrictive: boolean
  commands: string[] | null
}

/** The last schema of a `search_path` setting (`pg_temp` is searched FIRST when not named). */
function lastSchemaOf(searchPath: string): string {
  return searchPath.split(',').at(-1)!.trim().replace(/^"(.*)"$/, '$1')
}

/** SECURITY DEFINER functions of our schemas whose search_path a temporary object could shadow. */
async function definerProblems(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ fn: string; searchPath: string | null }>`
    select p.oid::regprocedure::text as fn,
      (select substr(c, length('search_path=') + 1) from unnest(p.proconfig) c where c like 'search_path=%') as "searchPath"
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.prosecdef and n.nspname in ('app', current_schema())
    order by 1`.execute(db)
  return rows.filter((f) => f.searchPath === null || lastSchemaOf(f.searchPath) !== 'pg_temp')
    .map((f) => `${f.fn}: SECURITY DEFINER without a search_path ending in pg_temp`)
}

/** The connected role may create objects: in the database, as temporary tables, or in our schemas. */
async function creationProblems(db: Kysely<DB>): Promise<string[]> {
  const { rows: [may] } = await sql<{ create: boolean; temp: boolean; schemas: string[] }>`
    select has_database_privilege(current_database(), 'CREATE') as create,
      has_database_privilege(current_database(), 'TEMP') as temp,
      array(select nspname::text from pg_namespace where nspname in ('app', current_schema())
        and has_schema_privilege(oid, 'CREATE') order by 1) as schemas`.execute(db)
  const problems: string[] = []
  if (may?.create) problems.push('the role may create schemas in the database (CREATE)')
  if (may?.temp) problems.push('the role may create temporary tables (TEMP)')
  for (const schema of may?.schemas ?? []) problems.push(`the role may create objects in schema ${schema} (CREATE)`)
  return problems
}

/**
 * Partitions escape their parent's policies when read directly: RLS applies to the table a query
 * names. So a partition must give the connected role no privilege of its own (everything goes
 * through the parent), and a partition with `tenant_id` must have RLS enabled and forced (with no
 * policy: nothing, should a grant appear later). Every partition of our tables counts, whatever
 * schema it was created in.
 */
async function partitionProblems(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ partition: string; parent: string; tenant: boolean; rls: boolean; forced: boolean; privileged: boolean }>`
    select c.oid::regclass::text as partition, p.oid::regclass::text as parent, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
      exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant,
      has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') as privileged
    from pg_class c
    join pg_inherits i on i.inhrelid = c.oid
    join pg_class p on p.oid = i.inhparent
    join pg_class root on root.oid = pg_partition_root(c.oid)
    join pg_namespace n on n.oid = root.relnamespace
    where c.relispartition and c.relkind in ('r', 'p') and n.nspname = current_schema()
    order by 1`.execute(db)
  return rows.flatMap((r) => [
    ...r.privileged ? [`${r.partition} (partition of ${r.parent}): the role may use it directly, past ${r.parent}'s policies`] : [],
    ...r.tenant && !r.rls ? [`${r.partition} (partition of ${r.parent}): row level security is not enabled`] : [],
    ...r.tenant && !r.forced ? [`${r.partition} (partition of ${r.parent}): row level security is not forced`] : [],
  ])
}

/**
 * The catalog check of SPEC §4.5. Returns one problem per violation (empty = sound): a table
 * with a `tenant_id` column lacking ENABLE + FORCE RLS, a restrictive guard, or a policy for any
 * command; a SECURITY DEFINER function of our schemas whose search_path does not end with
 * pg_temp; a partition the connected role may use directly, or one with `tenant_id` without
 * ENABLE + FORCE RLS; or the connected role being able to bypass RLS or create objects (CREATE, TEMP); and,
 * per entity (`entities/catalog.ts`), any part of its isolation its table lacks.
 * Run it as the runtime role.
 */
export async function checkCatalog(db: Kysely<DB>, entities: EntityCatalogOptions = {}): Promise<string[]> {
  const problems: string[] = []
  const { rows: tables } = await sql<TableRow>`
    select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
      exists (select 1 from pg_policy p where p.polrelid = c.oid and not p.polpermissive) as restrictive,
      (select array_agg(distinct p.cmd) from pg_policies p
        where p.schemaname = n.nspname and p.tablename = c.relname and p.permissive = 'PERMISSIVE') as commands
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname = current_schema() and not c.relispartition
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
    order by c.relname`.execute(db)
  for (const t of tables) {
    if (!t.rls) problems.push(`${t.table}: row level security is not enabled`)
    if (!t.forced) problems.push(`${t.table}: row level security is not forced`)
    if (!t.restrictive) problems.push(`${t.table}: no restrictive context guard`)
    const present = new Set(t.commands ?? [])
    for (const command of commands) {
      if (!present.has(command) && !present.has('ALL')) problems.push(`${t.table}: no permissive ${command} policy`)
    }
  }
  const { rows: [me] } = await sql<{ name: string; superuser: boolean; bypass: boolean; owns: number }>`
    select r.rolname as name, r.rolsuper as superuser, r.rolbypassrls as bypass,
      (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p')
          and pg_has_role(current_user, c.relowner, 'USAGE')) as owns
    from pg_roles r where r.rolname = current_user`.execute(db)
  problems.push(...await checkEntities(db, entities), ...await partitionProblems(db), ...await definerProblems(db), ...await creationProblems(db))
  if (me?.superuser) problems.push(`role ${me.name} is a superuser`)
  if (me?.bypass) problems.push(`role ${me.name} can bypass row level security`)
  if (me && me.owns > 0) problems.push(`role ${me.name} owns ${me.owns} table(s)`)
  return problems
}
