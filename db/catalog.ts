import type { DB } from './schema.js'
import { type Kysely, sql } from 'kysely'

const commands = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const

interface TableRow {
  table: string
  rls: boolean
  forced: boolean
  restrictive: boolean
  commands: string[] | null
}

/**
 * The catalog check of SPEC §4.5. Returns one problem per violation (empty = sound): a table
 * with a `tenant_id` column lacking ENABLE + FORCE RLS, a restrictive guard, or a policy for any
 * command; or the connected role being able to bypass RLS. Run it as the runtime role.
 */
export async function checkCatalog(db: Kysely<DB>): Promise<string[]> {
  const problems: string[] = []
  const { rows: tables } = await sql<TableRow>`
    select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
      exists (select 1 from pg_policy p where p.polrelid = c.oid and not p.polpermissive) as restrictive,
      (select array_agg(distinct p.cmd) from pg_policies p
        where p.schemaname = n.nspname and p.tablename = c.relname and p.permissive = 'PERMISSIVE') as commands
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname = current_schema()
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
  if (me?.superuser) problems.push(`role ${me.name} is a superuser`)
  if (me?.bypass) problems.push(`role ${me.name} can bypass row level security`)
  if (me && me.owns > 0) problems.push(`role ${me.name} owns ${me.owns} table(s)`)
  return problems
}
