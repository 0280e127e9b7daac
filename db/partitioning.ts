import { type Kysely, sql } from 'kysely'
import type { PartitioningOptions } from '../config/options.js'
import { createKysely, createPool } from './connection.js'
import { convertToPartitioned } from './partition-conversion.js'
import { type RoleNames, defaultRoleNames, userOf } from './role-names.js'
import type { DB } from './schema.js'
import { setContext } from './rls.js'

/** The tables Strata may partition, and what partitions them (docs/operations.md#partitioning). */
export const partitionable = {
  /** The change log, by the time of the change. */
  activities: { column: 'created_at', ahead: '7 days' },
  /** Sessions by expiry: a partition entirely in the past holds only expired sessions. Sessions live 7 days (plugins/app/auth.ts), renewed while used. */
  sessions: { column: 'expires_at', ahead: '14 days' },
} as const

export type PartitionableTable = keyof typeof partitionable

export interface ManagedTable {
  table: PartitionableTable
  column: string
  period: 'day' | 'month'
  /** Partitions are created until this far past now. */
  ahead: string
}

/** The tables an option value partitions (`false`: none). */
export function managedTables(options: PartitioningOptions | false): ManagedTable[] {
  if (!options) return []
  const periods: Array<[PartitionableTable, 'daily' | 'monthly' | false]> = [['activities', options.activities], ['sessions', options.sessions]]
  return periods.flatMap(([table, period]): ManagedTable[] => period
    ? [{ table, ...partitionable[table], period: period === 'daily' ? 'day' : 'month' }]
    : [])
}

// Definer functions run with their owner's rights: pg_temp last (SPEC §4.5). Bounds print and parse in UTC.
const functionSettings = sql.raw("set search_path = pg_catalog, public, pg_temp set timezone = 'UTC' set datestyle = 'ISO'")

/**
 * The database side of partition management, installed only when partitioning is on:
 * - `app.partitioned_tables`: which tables are managed, by which column, period and horizon;
 * - `app.create_partitions()`: every managed table gets partitions up to its horizon (and a default
 *   partition that catches what falls outside them); the one function the runtime role may call
 *   (at boot, in the sync context), serialised by an advisory lock across instances;
 * - `app.drop_partitions(table, cutoff)`: retention by dropping each partition that lies wholly
 *   before the cut-off (and deleting the default partition's rows before it);
 * - every partition is sealed: RLS enabled and forced as on its parent, no privilege of its own
 *   (it is reached only through its parent, whose policies apply).
 */
function managementSql(roles: Pick<RoleNames, 'runtime'>) {
  return sql`
    create table if not exists app.partitioned_tables (
      table_name text primary key,
      column_name text not null,
      period text not null check (period in ('day', 'month')),
      ahead interval not null check (ahead > interval '0')
    );

    create or replace function app.partition_ranges(parent regclass)
      returns table (partition regclass, lower_bound timestamptz, upper_bound timestamptz)
      language sql stable ${functionSettings} as $$
      select c.oid::regclass, b[1]::timestamptz, b[2]::timestamptz
      from pg_inherits i join pg_class c on c.oid = i.inhrelid,
        regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') b
      where i.inhparent = parent and b is not null
      order by 2 $$;

    create or replace function app.seal_partition(part regclass) returns void
      language plpgsql ${functionSettings} as $$
      declare
        parent pg_class := (select p from pg_inherits i join pg_class p on p.oid = i.inhparent where i.inhrelid = part);
        g record;
      begin
        if parent.relrowsecurity then execute format('alter table %s enable row level security', part); end if;
        if parent.relforcerowsecurity then execute format('alter table %s force row level security', part); end if;
        if parent.relreplident = 'f' then execute format('alter table %s replica identity full', part); end if;
        for g in select distinct a.grantee from pg_class c, aclexplode(c.relacl) a where c.oid = part and a.grantee <> c.relowner loop
          execute format('revoke all on %s from %s', part, case when g.grantee = 0 then 'public' else g.grantee::regrole::text end);
        end loop;
      end $$;

    create or replace function app.add_partition(parent regclass, key text, from_at timestamptz, to_at timestamptz) returns void
      language plpgsql ${functionSettings} as $$
      declare
        base text := (select relname from pg_class where oid = parent);
        name text := format('%s_p%s', base, to_char(from_at, 'YYYYMMDD'));
        fallback regclass := to_regclass(format('public.%I', base || '_default'));
        strays boolean := false;
      begin
        if fallback is not null then
          execute format('select exists (select 1 from %s where %I >= $1 and %I < $2)', fallback, key, key) into strays using from_at, to_at;
        end if;
        if strays then
          -- The default partition caught rows of this range: they move into the new partition,
          -- which is attached afterwards (attaching refuses while the default holds any).
          execute format('create table public.%I (like %s including defaults including constraints)', name, parent);
          execute format('insert into public.%I select * from %s where %I >= $1 and %I < $2', name, fallback, key, key) using from_at, to_at;
          execute format('delete from %s where %I >= $1 and %I < $2', fallback, key, key) using from_at, to_at;
          execute format('alter table %s attach partition public.%I for values from (%L) to (%L)', parent, name, from_at, to_at);
        else
          execute format('create table public.%I partition of %s for values from (%L) to (%L)', name, parent, from_at, to_at);
        end if;
        perform app.seal_partition(format('public.%I', name)::regclass);
      end $$;

    -- Partitions of one managed table from the period holding since (or the end of the last
    -- partition, if later) up to now + its horizon; and its default partition.
    create or replace function app.extend_partitions(managed app.partitioned_tables, since timestamptz) returns integer
      language plpgsql ${functionSettings} as $$
      declare
        parent regclass := format('public.%I', managed.table_name)::regclass;
        step interval := ('1 ' || managed.period)::interval;
        from_at timestamptz;
        to_at timestamptz;
        created integer := 0;
      begin
        if to_regclass(format('public.%I', managed.table_name || '_default')) is null then
          execute format('create table public.%I partition of %s default', managed.table_name || '_default', parent);
          perform app.seal_partition(format('public.%I', managed.table_name || '_default')::regclass);
        end if;
        select greatest(max(upper_bound), date_trunc(managed.period, since)) into from_at from app.partition_ranges(parent);
        if from_at + step * 1000 < now() + managed.ahead then
          raise exception '% would need more than 1,000 % partitions from %: delete older rows first, or partition by month', managed.table_name, managed.period, from_at;
        end if;
        while from_at < now() + managed.ahead loop
          to_at := date_trunc(managed.period, from_at) + step;
          perform app.add_partition(parent, managed.column_name, from_at, to_at);
          created := created + 1;
          from_at := to_at;
        end loop;
        return created;
      end $$;

    create or replace function app.create_partitions() returns integer
      language plpgsql security definer ${functionSettings} as $$
      declare
        managed app.partitioned_tables;
        created integer := 0;
      begin
        if not app.in_sync_context() then
          raise exception 'creating partitions needs the sync context' using errcode = '42501';
        end if;
        perform pg_advisory_xact_lock(hashtext('strata_partitions'));
        for managed in select * from app.partitioned_tables order by table_name loop
          created := created + app.extend_partitions(managed, now());
        end loop;
        return created;
      end $$;

    create or replace function app.drop_partitions(parent_name text, cutoff timestamptz) returns setof text
      language plpgsql ${functionSettings} as $$
      declare
        managed app.partitioned_tables;
        old record;
      begin
        select * into managed from app.partitioned_tables where table_name = parent_name;
        if not found then
          raise exception 'table % is not partitioned by Strata', parent_name;
        end if;
        perform pg_advisory_xact_lock(hashtext('strata_partitions'));
        for old in select partition::text as name from app.partition_ranges(format('public.%I', parent_name)::regclass)
            where upper_bound <= cutoff loop
          execute format('drop table %s', old.name);
          return next old.name;
        end loop;
        execute format('delete from public.%I where %I < $1', parent_name || '_default', managed.column_name) using cutoff;
      end $$;

    revoke all on function app.partition_ranges(regclass), app.seal_partition(regclass),
      app.add_partition(regclass, text, timestamptz, timestamptz), app.extend_partitions(app.partitioned_tables, timestamptz),
      app.create_partitions(), app.drop_partitions(text, timestamptz) from public;
    grant execute on function app.create_partitions() to ${sql.id(roles.runtime)};
  `
}

export interface ApplyOptions {
  /** Convert a table that holds rows (copies every row; `npm run db:partition`). Otherwise such a table is refused. */
  convertPopulated?: boolean
  /** The publication the CDC worker reads: it publishes partitions' changes under their root table. */
  publication?: string
}

export interface PartitioningReport {
  converted: Array<{ table: string; rows: number }>
  created: number
}

/**
 * At boot (server.ts with the admin URL) and in `npm run migrate`: with `PARTITIONING` set, the
 * tables are partitioned while they are empty (a fresh database); a populated one is refused with
 * a pointer to `npm run db:partition`. Nothing without the option.
 */
export async function partitionOnInstall(adminUrl: string, runtimeUrl: string, options: PartitioningOptions | false): Promise<void> {
  if (!options) return
  await applyPartitioning(adminUrl, { admin: defaultRoleNames.admin, runtime: userOf(runtimeUrl) }, options)
}

/** Is `table` (public schema) a partitioned table? */
export async function isPartitioned(db: Kysely<unknown>, table: string): Promise<boolean> {
  const { rows: [row] } = await sql<{ partitioned: boolean }>`
    select coalesce((select relkind = 'p' from pg_class where oid = to_regclass(${`public.${table}`})), false) as partitioned`.execute(db)
  return row?.partitioned ?? false
}

/**
 * Puts partitioning in place, idempotently, in one transaction as `admin_role`: installs the
 * management functions, records each managed table's period (a changed period applies to
 * partitions created from then on), converts each table that is not partitioned yet (an empty one
 * at once; one with rows only with `convertPopulated`), creates the partitions ahead, and makes
 * the publication publish partitions under their root. A table partitioned once stays so.
 */
export async function applyPartitioning(adminUrl: string, roles: Pick<RoleNames, 'admin' | 'runtime'>, options: PartitioningOptions, apply: ApplyOptions = {}): Promise<PartitioningReport> {
  const db = createKysely<unknown>(createPool({ url: adminUrl, max: 1, applicationName: 'strata-partitioning' }), roles.admin)
  try {
    return await db.transaction().execute(async (trx) => {
      await managementSql(roles).execute(trx)
      const converted: PartitioningReport['converted'] = []
      for (const managed of managedTables(options)) {
        await sql`
          insert into app.partitioned_tables (table_name, column_name, period, ahead)
          values (${managed.table}, ${managed.column}, ${managed.period}, ${managed.ahead}::interval)
          on conflict (table_name) do update set period = excluded.period, ahead = excluded.ahead`.execute(trx)
        if (await isPartitioned(trx, managed.table)) continue
        const { rows: [held] } = await sql<{ any: boolean }>`select exists (select 1 from ${sql.table(managed.table)}) as any`.execute(trx)
        if (held?.any && !apply.convertPopulated) {
          throw new Error(`${managed.table} holds rows and is not partitioned: convert it with npm run db:partition (it copies every row under a lock)`)
        }
        converted.push({ table: managed.table, rows: await convertToPartitioned(trx, managed) })
      }
      await setContext(trx as unknown as Kysely<DB>, { kind: 'sync' })
      const { rows: [made] } = await sql<{ created: number }>`select app.create_partitions() as created`.execute(trx)
      await sql`
        do $$ begin
          if exists (select 1 from pg_publication where pubname = ${sql.lit(apply.publication ?? 'strata_pub')}) then
            alter publication ${sql.id(apply.publication ?? 'strata_pub')} set (publish_via_partition_root = true);
          end if;
        end $$`.execute(trx)
      return { converted, created: made?.created ?? 0 }
    })
  } finally {
    await db.destroy()
  }
}

/** The tables partition management looks after (none where partitioning was never applied). */
export async function partitionedTables<T>(db: Kysely<T>): Promise<string[]> {
  const { rows: [installed] } = await sql<{ yes: boolean }>`select to_regclass('app.partitioned_tables') is not null as yes`.execute(db)
  if (!installed?.yes) return []
  const { rows } = await sql<{ table: string }>`select table_name as table from app.partitioned_tables order by 1`.execute(db)
  return rows.map((r) => r.table)
}

/**
 * `db:maintenance`'s part (as admin): partitions ahead, then retention by dropping every partition
 * wholly before its cut-off — activities older than `retentionDays`, sessions expired — and the
 * default partitions' rows before it. Returns what it created and the partitions it dropped.
 */
export async function maintainPartitions<T>(db: Kysely<T>, retentionDays: number): Promise<{ created: number; dropped: string[] }> {
  const tables = await partitionedTables(db)
  if (tables.length === 0) return { created: 0, dropped: [] }
  return db.transaction().execute(async (trx) => {
    await setContext(trx as unknown as Kysely<DB>, { kind: 'sync' })
    const { rows: [made] } = await sql<{ created: number }>`select app.create_partitions() as created`.execute(trx)
    const cutoffs: Record<string, ReturnType<typeof sql>> = {
      activities: sql`now() - make_interval(days => ${retentionDays})`,
      sessions: sql`now()`,
    }
    const dropped: string[] = []
    for (const table of tables.filter((t) => t in cutoffs)) {
      const { rows } = await sql<{ name: string }>`select app.drop_partitions(${table}, ${cutoffs[table]}) as name`.execute(trx)
      dropped.push(...rows.map((r) => r.name))
    }
    return { created: made?.created ?? 0, dropped }
  })
}
