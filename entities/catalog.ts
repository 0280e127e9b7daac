import { type Kysely, sql } from 'kysely'
import { type EntityRules, type FieldVersionsOption, defaultRules } from './definition.js'
import { fieldVersionColumns, immutableEntityColumns, readRuleRecorded, recordedReadRule } from './isolation.js'

export interface EntityCatalogOptions {
  /** The publication the CDC worker reads (replication source); `false`: not checked (notify source). */
  publication?: string | false
  /** Entities registered in this process: each must also be in `app.entity_types`, with the same table. */
  registered?: Iterable<{ type: string; table: string; rules?: EntityRules; fieldVersions?: FieldVersionsOption }>
}

type RecordedRead = ReturnType<typeof recordedReadRule>

const describeRead = (rule: RecordedRead) => (rule.memberRead === 'owned' ? `owned (${rule.readOwner})` : rule.memberRead)

/** The read rules `app.entity_types` records (migration 0018; undefined before it). */
async function recordedReadRules<T>(db: Kysely<T>): Promise<Map<string, RecordedRead> | undefined> {
  if (!await readRuleRecorded(db)) return undefined
  const { rows } = await sql<{ type: string } & RecordedRead>`
    select entity_type as type, member_read as "memberRead", read_owner as "readOwner" from app.entity_types`.execute(db)
  return new Map(rows.map(({ type, ...rule }) => [type, rule]))
}

interface EntityFacts {
  type: string
  table: string
  exists: boolean
  rls: boolean
  forced: boolean
  restrictive: boolean
  commands: string[]
  immutable: boolean
  record_change: boolean
  counted: boolean
  missing_grants: string[]
  public_checkable: boolean
  published: boolean
  replica_full: boolean
}

const commands = ['SELECT', 'INSERT', 'UPDATE', 'DELETE']
// pg_trigger.tgtype bits: ROW (1), INSERT (4), DELETE (8), UPDATE (16).
const rowInsertDeleteUpdate = 1 | 4 | 8 | 16
const row = 1
const insert = 4
const del = 8

/**
 * The per-entity catalog check (SPEC §4.5, §12): for each entity of `app.entity_types` (and each
 * registered one), whatever its table lacks of what `applyEntityIsolation` applies, one problem
 * each, as `entity <type> (<table>): <what is missing>`. Run as the runtime role (grants are
 * checked for the connected role).
 */
export async function checkEntities<T>(db: Kysely<T>, options: EntityCatalogOptions = {}): Promise<string[]> {
  const publication = options.publication ?? 'strata_pub'
  // Before migration 0011 there is no catalog of entities (`/ready` reports the pending migration).
  const { rows: [catalog] } = await sql<{ present: boolean }>`select to_regclass('app.entity_types') is not null as present`.execute(db)
  if (!catalog?.present) return []
  const { rows } = await sql<EntityFacts>`
    with e as (select entity_type, table_name, public_read, to_regclass('public.' || quote_ident(table_name)) as oid from app.entity_types),
    trig as (
      select t.tgrelid, t.tgfoid, t.tgtype, t.tgnewtable, t.tgoldtable,
        string_to_array(encode(t.tgargs, 'escape'), '\\000') as args
      from pg_trigger t where not t.tgisinternal and t.tgenabled <> 'D'
    )
    select e.entity_type as type, e.table_name as table, e.oid is not null as exists,
      coalesce(c.relrowsecurity, false) as rls, coalesce(c.relforcerowsecurity, false) as forced,
      exists (select 1 from pg_policy p where p.polrelid = e.oid and not p.polpermissive) as restrictive,
      array(select distinct p.cmd::text from pg_policies p
        where p.schemaname = 'public' and p.tablename = e.table_name and p.permissive = 'PERMISSIVE') as commands,
      exists (select 1 from trig where trig.tgrelid = e.oid and trig.tgfoid = 'app.forbid_immutable_update'::regproc
        and ${sql.lit(`{${immutableEntityColumns.join(',')}}`)}::text[] <@ trig.args) as immutable,
      exists (select 1 from trig where trig.tgrelid = e.oid and trig.tgfoid = 'app.record_change'::regproc
        and (trig.tgtype & ${sql.lit(rowInsertDeleteUpdate)}) = ${sql.lit(rowInsertDeleteUpdate)} and trig.args[1] = e.entity_type) as record_change,
      -- The list's maintained total (migration 0013; not required before it): a statement-level
      -- count of inserts and of deletes, each with its transition table.
      (to_regproc('app.count_entity_rows') is null or (
        exists (select 1 from trig where trig.tgrelid = e.oid and trig.tgfoid = to_regproc('app.count_entity_rows')
          and (trig.tgtype & ${sql.lit(row | insert)}) = ${sql.lit(insert)} and trig.tgnewtable = 'new_rows' and trig.args[1] = e.entity_type)
        and exists (select 1 from trig where trig.tgrelid = e.oid and trig.tgfoid = to_regproc('app.count_entity_rows')
          and (trig.tgtype & ${sql.lit(row | del)}) = ${sql.lit(del)} and trig.tgoldtable = 'old_rows' and trig.args[1] = e.entity_type))) as counted,
      array(select p from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
        where e.oid is null or not has_table_privilege(current_user, e.oid, p)) as missing_grants,
      -- A public replay asks whether a row is public now (migration 0022) as that function's owner.
      (e.public_read is null or e.oid is null or to_regproc('app.row_public_now') is null
        or has_table_privilege((select f.proowner from pg_proc f where f.oid = to_regproc('app.row_public_now')), e.oid, 'SELECT')) as public_checkable,
      ${publication === false ? sql`true` : sql`exists (select 1 from pg_publication_tables pt
        where pt.pubname = ${publication} and pt.schemaname = 'public' and pt.tablename = e.table_name)`} as published,
      coalesce(c.relreplident = 'f', false) as replica_full
    from e left join pg_class c on c.oid = e.oid
    order by e.entity_type`.execute(db)

  const problems: string[] = []
  const known = new Map(rows.map((r) => [r.type, r.table]))
  const recorded = await recordedReadRules(db)
  for (const entity of options.registered ?? []) {
    const table = known.get(entity.type)
    if (table === undefined) problems.push(`entity ${entity.type} (${entity.table}): not in app.entity_types (no migration applied its isolation)`)
    else if (table !== entity.table) problems.push(`entity ${entity.type} (${entity.table}): app.entity_types names table ${table}`)
    const declared = recordedReadRule((entity.rules ?? defaultRules).read)
    const inCatalog = recorded?.get(entity.type)
    if (inCatalog && (inCatalog.memberRead !== declared.memberRead || inCatalog.readOwner !== declared.readOwner)) {
      problems.push(`entity ${entity.type} (${entity.table}): app.entity_types records members' read as ${describeRead(inCatalog)}, the declaration as ${describeRead(declared)} (apply its isolation again)`)
    }
  }
  for (const e of rows) {
    const missing = (what: string) => problems.push(`entity ${e.type} (${e.table}): ${what}`)
    if (!e.exists) {
      missing('the table does not exist')
      continue
    }
    if (!e.rls) missing('row level security is not enabled')
    if (!e.forced) missing('row level security is not forced')
    if (!e.restrictive) missing('no restrictive context guard')
    for (const command of commands) {
      if (!e.commands.includes(command) && !e.commands.includes('ALL')) missing(`no permissive ${command} policy`)
    }
    if (!e.immutable) missing(`no immutability trigger on ${immutableEntityColumns.join(', ')}`)
    if (e.missing_grants.length > 0) missing(`the runtime role lacks ${e.missing_grants.join(', ')}`)
    if (!e.public_checkable) missing('the admin role lacks SELECT (a public replay cannot tell whether a row is public now)')
    if (!e.published) missing(`not in publication ${publication}`)
    if (!e.replica_full) missing('replica identity is not full')
    if (!e.record_change) missing(`no app.record_change('${e.type}') trigger for inserts, updates and deletes`)
    if (!e.counted) missing(`no app.count_entity_rows('${e.type}') triggers for inserts and deletes (the list's total)`)
  }
  problems.push(...await fieldVersionProblems(db, [...options.registered ?? []].filter((entity) => entity.fieldVersions)))
  return problems
}

/** Registered entities with field versions whose table lacks a column of `applyFieldVersions`. */
async function fieldVersionProblems<T>(db: Kysely<T>, entities: Array<{ type: string; table: string }>): Promise<string[]> {
  if (entities.length === 0) return []
  const { rows } = await sql<{ table: string; name: string; type: string }>`
    select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = any (${entities.map((e) => e.table)}::text[]) and a.attnum > 0 and not a.attisdropped`.execute(db)
  const present = new Set(rows.map((r) => `${r.table}.${r.name} ${r.type}`))
  return entities.flatMap((e) => Object.entries(fieldVersionColumns)
    .filter(([name, type]) => !present.has(`${e.table}.${name} ${type}`))
    .map(([name, type]) => `entity ${e.type} (${e.table}): field versions need column ${name} ${type} (applyFieldVersions)`))
}
