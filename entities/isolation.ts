import { type Kysely, sql } from 'kysely'
import { adminOf, all, any, ctx, immutableColumns, memberOf, type TablePolicies, tenantTablePolicies } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'
import { syncedTables } from '../migrations/0004_sync.js'
import { type EntityDefinition, type MemberRule, defaultRules } from './definition.js'

/** What the database side needs of a declaration (a migration may pass just this, frozen in time). */
export type EntityIsolationSpec = Pick<EntityDefinition, 'type' | 'table' | 'rules'> & {
  publicRead?: Pick<NonNullable<EntityDefinition['publicRead']>, 'sql'>
}

/** The columns every org-scoped entity table must have, with their types. */
export const requiredColumns: Record<string, string> = {
  id: 'uuid',
  tenant_id: 'text',
  organization_id: 'uuid',
  created_by: 'uuid',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
}

/** The columns no UPDATE may change (SPEC §4.4). */
export const immutableEntityColumns = ['id', 'tenant_id', 'organization_id']

/** Names of the policies `tenantTablePolicies` creates on `table`. */
export const policyNames = (table: string) => ['context_guard', 'select', 'insert', 'update', 'delete'].map((p) => `${table}_${p}`)

/** Trigger names the helper creates, so the catalog check looks for the same ones. */
export const triggerNames = (table: string) => ({
  immutable: `${table}_immutable_columns`,
  recordChange: `${table}_record_change`,
  countInserts: `${table}_count_inserts`,
  countDeletes: `${table}_count_deletes`,
  countTruncate: `${table}_count_truncate`,
})

/**
 * A member rule as a policy condition on the row's organization: a member (`true`), an admin
 * only (`false`), or an admin, or a member owning the row (`{ ownedBy }`). Org and system admins
 * always may; this mirrors the `can` of the API, which reads the same rule.
 */
export function memberRuleSql(rule: MemberRule): string {
  if (rule === true) return memberOf('organization_id')
  if (rule === false) return adminOf('organization_id')
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(rule.ownedBy)) throw new Error(`ownedBy column "${rule.ownedBy}" must match [a-z][a-z0-9_]*`)
  return any(adminOf('organization_id'), all(memberOf('organization_id'), `${rule.ownedBy} = ${ctx.me}`))
}

/** The four policies of an entity: tenant context with the declared rules; public read if declared. */
export function entityPolicies(spec: EntityIsolationSpec): TablePolicies {
  const rules = spec.rules ?? defaultRules
  const inTenant = (rule: MemberRule) => all(ctx.tenant, memberRuleSql(rule))
  return {
    select: spec.publicRead ? any(inTenant(rules.read), all(ctx.public, spec.publicRead.sql)) : inTenant(rules.read),
    insert: inTenant(rules.create),
    update: inTenant(rules.update),
    delete: inTenant(rules.delete),
  }
}

async function checkColumns<T>(db: Kysely<T>, table: string): Promise<void> {
  const { rows } = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a
    where a.attrelid = ${`public.${table}`}::regclass and a.attnum > 0 and not a.attisdropped`.execute(db)
  const present = new Map(rows.map((r) => [r.name, r.type]))
  const problems = Object.entries(requiredColumns)
    .filter(([name, type]) => present.get(name) !== type)
    .map(([name, type]) => (present.has(name) ? `${name} is ${present.get(name)}, not ${type}` : `no column ${name} ${type}`))
  if (problems.length > 0) throw new Error(`entity table ${table}: ${problems.join('; ')}`)
}

/** Adds `(tenant_id, organization_id) → organizations (tenant_id, id) on delete cascade` unless present. */
async function ensureOrganizationKey<T>(db: Kysely<T>, table: string): Promise<void> {
  const { rows } = await sql`
    select 1 from pg_constraint c
    where c.contype = 'f' and c.conrelid = ${`public.${table}`}::regclass and c.confrelid = 'public.organizations'::regclass
      and c.confdeltype = 'c'
      and (select array_agg(a.attname::text order by k.i) from unnest(c.conkey) with ordinality k(n, i)
           join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n) = array['tenant_id', 'organization_id']
      and (select array_agg(a.attname::text order by k.i) from unnest(c.confkey) with ordinality k(n, i)
           join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n) = array['tenant_id', 'id']`.execute(db)
  if (rows.length > 0) return
  await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_organization_fkey`)}
    foreign key (tenant_id, organization_id) references organizations (tenant_id, id) on delete cascade`.execute(db)
}

/**
 * The maintained total of an entity's list (issue 16, migration 0013): signed deltas per
 * organization in `entity_counts`, appended by statement-level triggers (`app.count_entity_rows`,
 * once per statement whatever its row count) in the writing transaction, so the unfiltered list sums
 * a few rows instead of counting the organization, and writers never wait on each other's count. `membersRead`: every member reads every row (the read rule is
 * `true`), so members may read the total too; otherwise only admins (others get an exact count of
 * what they see). Backfilled in the caller's transaction: CREATE TRIGGER's lock keeps writers out
 * until it commits, so no change is missed or counted twice.
 */
export async function applyEntityCount<T>(db: Kysely<T>, spec: Pick<EntityIsolationSpec, 'type' | 'table'>, membersRead: boolean): Promise<void> {
  const { table, type } = spec
  const triggers = triggerNames(table)
  const readers = sql.lit(membersRead ? 'members' : 'admins')
  for (const name of [triggers.countInserts, triggers.countDeletes, triggers.countTruncate]) {
    await sql`drop trigger if exists ${sql.id(name)} on ${sql.table(table)}`.execute(db)
  }
  await sql`create trigger ${sql.id(triggers.countInserts)} after insert on ${sql.table(table)}
    referencing new table as new_rows for each statement execute function app.count_entity_rows(${sql.lit(type)}, ${readers})`.execute(db)
  await sql`create trigger ${sql.id(triggers.countDeletes)} after delete on ${sql.table(table)}
    referencing old table as old_rows for each statement execute function app.count_entity_rows(${sql.lit(type)}, ${readers})`.execute(db)
  await sql`create trigger ${sql.id(triggers.countTruncate)} after truncate on ${sql.table(table)}
    for each statement execute function app.count_entity_rows(${sql.lit(type)}, ${readers})`.execute(db)
  await sql`delete from entity_counts where entity_type = ${type}`.execute(db)
  await sql`insert into entity_counts (tenant_id, organization_id, entity_type, n, members_read)
    select tenant_id, organization_id, ${type}, count(*), ${membersRead} from ${sql.table(table)} group by tenant_id, organization_id`.execute(db)
}

/**
 * Adds the table to every publication of Strata's change feed, whatever its name: those that
 * publish all of Strata's own synced tables (migration 0004's `strata_pub`, or the operator's
 * publication named by the `sync.publication` option, which must publish them for the feed to be
 * whole). So an author's migration names no publication and works with any. A FOR ALL TABLES
 * publication has the table already.
 */
async function joinChangeFeedPublications<T>(db: Kysely<T>, { type, table }: Pick<EntityIsolationSpec, 'type' | 'table'>): Promise<void> {
  const { rows } = await sql<{ name: string; member: boolean }>`
    select p.pubname as name, p.puballtables or exists (select 1 from pg_publication_tables pt
      where pt.pubname = p.pubname and pt.schemaname = 'public' and pt.tablename = ${table}) as member
    from pg_publication p
    where (select count(*) from pg_publication_tables pt where pt.pubname = p.pubname and pt.schemaname = 'public'
      and pt.tablename::text = any (${[...syncedTables]}::text[])) = ${syncedTables.length}`.execute(db)
  if (rows.length === 0) {
    throw new Error(`entity "${type}" (${table}): no publication publishes Strata's tables (${syncedTables.join(', ')}); migration 0004 creates strata_pub`)
  }
  for (const publication of rows.filter((p) => !p.member)) {
    await sql`alter publication ${sql.id(publication.name)} add table ${sql.table(table)}`.execute(db)
  }
}

/**
 * Everything tenant isolation needs on an author's org-scoped table, from its declaration (SPEC §4,
 * §12), for their migration to call as the migrating role:
 *
 * ```ts
 * up: (db) => applyEntityIsolation(db, tasks, roles)
 * ```
 *
 * Checks the required columns and adds the composite foreign key to the organization; ENABLE +
 * FORCE RLS, the restrictive context guard and the four policies from the declared rules (the
 * helpers Strata's own tables use); the immutability trigger; the runtime role's DML grants, the
 * CDC role's SELECT and the admin role's (for tables it does not own); publication membership
 * with full replica identity (replication source) and the outbox trigger (notify source: active
 * only where the database is set to it); the row in `app.entity_types` the CDC worker and the
 * public stream read, with the read rule the change log's readers follow (`app.row_for_reader`, from migration 0018 on); the maintained list total
 * (`applyEntityCount`, from migration 0013 on). Idempotent: running it again (e.g. after
 * changing the rules) replaces policies and triggers. One transaction (the caller's, if any).
 */
export async function applyEntityIsolation<T>(db: Kysely<T>, spec: EntityIsolationSpec, roles: RoleNames): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => applyEntityIsolation(trx, spec, roles))
  const { table, type } = spec
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(table) || !/^[a-z][a-z0-9_]{0,62}$/.test(type)) {
    throw new Error(`entity "${type}" (${table}): type and table must match [a-z][a-z0-9_]*`)
  }
  await checkColumns(db, table)
  await ensureOrganizationKey(db, table)

  for (const policy of policyNames(table)) await sql`drop policy if exists ${sql.id(policy)} on ${sql.table(table)}`.execute(db)
  await tenantTablePolicies(table, entityPolicies(spec)).execute(db)

  const triggers = triggerNames(table)
  await sql`drop trigger if exists ${sql.id(triggers.immutable)} on ${sql.table(table)}`.execute(db)
  await immutableColumns(table, immutableEntityColumns).execute(db)
  await sql`drop trigger if exists ${sql.id(triggers.recordChange)} on ${sql.table(table)}`.execute(db)
  await sql`create trigger ${sql.id(triggers.recordChange)} after insert or update or delete on ${sql.table(table)}
    for each row execute function app.record_change(${sql.lit(type)})`.execute(db)

  await sql`grant select, insert, update, delete on ${sql.table(table)} to ${sql.id(roles.runtime)}`.execute(db)
  await sql`grant select on ${sql.table(table)} to ${sql.id(roles.cdc)}`.execute(db)
  // The change log's definer functions (owned by the admin role) ask whether a row is public now
  // (`app.row_public_now`, migration 0022). A no-op where the admin role owns the table.
  await sql`grant select on ${sql.table(table)} to ${sql.id(roles.admin)}`.execute(db)

  await sql`alter table ${sql.table(table)} replica identity full`.execute(db)
  await joinChangeFeedPublications(db, spec)

  await sql`
    insert into app.entity_types (entity_type, table_name, public_read)
    values (${type}, ${table}, ${spec.publicRead?.sql ?? null})
    on conflict (entity_type) do update set table_name = excluded.table_name, public_read = excluded.public_read`.execute(db)

  // Migration 0011 applies this helper before 0013 creates the counts (and 0018 the read rule); those add them.
  const { rows: [counts] } = await sql<{ present: boolean }>`select to_regclass('public.entity_counts') is not null as present`.execute(db)
  const read = (spec.rules ?? defaultRules).read
  if (counts?.present) await applyEntityCount(db, spec, read === true)
  if (await readRuleRecorded(db)) {
    const { memberRead, readOwner } = recordedReadRule(read)
    await sql`update app.entity_types set member_read = ${memberRead}, read_owner = ${readOwner} where entity_type = ${type}`.execute(db)
  }
}

/** Does `app.entity_types` record read rules (migration 0018 on)? */
export async function readRuleRecorded<T>(db: Kysely<T>): Promise<boolean> {
  const { rows: [column] } = await sql<{ present: boolean }>`select exists (select 1 from information_schema.columns
    where table_schema = 'app' and table_name = 'entity_types' and column_name = 'member_read') as present`.execute(db)
  return column?.present === true
}

/** A declared `rules.read` as `app.entity_types` records it (migration 0018), for the change log's readers. */
export function recordedReadRule(read: MemberRule): { memberRead: 'all' | 'owned' | 'none'; readOwner: string | null } {
  if (read === true) return { memberRead: 'all', readOwner: null }
  if (read === false) return { memberRead: 'none', readOwner: null }
  return { memberRead: 'owned', readOwner: read.ownedBy }
}

/**
 * The columns of an entity with field versions (`fieldVersions` on its declaration), in its own
 * table so the change log's row image carries them to the events: the version of each field, and
 * the last mutation's id and source (null after a write without `stx`).
 */
export const fieldVersionColumns: Record<string, string> = {
  stx_versions: 'jsonb',
  stx_mutation_id: 'text',
  stx_source_id: 'text',
}

/**
 * Adds the field-version columns to an entity's table, for the author's migration to call next to
 * `applyEntityIsolation` when the declaration has `fieldVersions`. Idempotent. Rows that exist
 * already start at version 0 for every field.
 */
export async function applyFieldVersions<T>(db: Kysely<T>, spec: Pick<EntityIsolationSpec, 'table'>): Promise<void> {
  await sql`alter table ${sql.table(spec.table)}
    add column if not exists stx_versions jsonb not null default '{}',
    add column if not exists stx_mutation_id text,
    add column if not exists stx_source_id text`.execute(db)
}
