import { type Kysely, sql } from 'kysely'
import { adminOf, all, any, ctx, memberOf, tenantTablePolicies } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'
import { applyEntityCount } from '../entities/isolation.js'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

// Pages' and attachments' read rule since 0002: every member reads every row.
const membersReadAll = new Set(['page', 'attachment'])

/**
 * List totals that do not count the organization (issue 16): `entity_counts` holds, per
 * organization and entity type, signed deltas of the number of rows, appended in the writing
 * transaction by statement-level triggers (`app.count_entity_rows`, installed by `applyEntityCount`
 * through `applyEntityIsolation`); the total is their sum. Appending (never updating one row) keeps
 * writers of one organization from queueing on a shared row lock until commit; `db:maintenance`
 * folds each organization's deltas into one row. Readable like the entity: by members where every
 * member reads every row, else by admins; written only by the trigger function (the owner bypasses
 * RLS). Removed with its organization. Every entity already in `app.entity_types` gets its triggers
 * and a backfilled count; an author's entity whose rules this migration cannot know is counted for
 * admins only until its isolation is applied again.
 *
 * The default list order (`created_at`, then `id`, both asc or both desc) gets an index that yields
 * it directly: 0001's `(organization_id, created_at desc, id)` gives ties (rows of one bulk insert
 * share `created_at`) in the other `id` order, so the list sorted every tie group.
 */
export function entityCounts(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table entity_counts (
          id bigint generated always as identity primary key,
          tenant_id text not null,
          organization_id uuid not null,
          entity_type text not null,
          -- a signed delta; the total is the sum of an organization's rows of one type
          n bigint not null,
          -- every member may read the total (the entity's read rule is true); else admins only
          members_read boolean not null,
          foreign key (tenant_id, organization_id) references organizations (tenant_id, id) on delete cascade
        );
        create index entity_counts_org_type_idx on entity_counts (organization_id, entity_type) include (n, members_read);
        grant select on entity_counts to ${runtime};

        -- One call per statement: a batch of rows appends one delta per organization it touches.
        -- Deletes skip organizations that are being deleted (their cascade removes the counts).
        create function app.count_entity_rows() returns trigger
          language plpgsql security definer ${safeSearchPath} as $$
        declare
          kind text := tg_argv[0];
          members boolean := tg_argv[1] = 'members';
        begin
          if kind is null or tg_argv[1] is null then
            raise exception 'app.count_entity_rows on % needs the entity type and its readers as trigger arguments', tg_table_name;
          end if;
          if tg_op = 'INSERT' then
            insert into entity_counts (tenant_id, organization_id, entity_type, n, members_read)
            select r.tenant_id, r.organization_id, kind, count(*), members from new_rows r
            group by r.tenant_id, r.organization_id;
          elsif tg_op = 'DELETE' then
            insert into entity_counts (tenant_id, organization_id, entity_type, n, members_read)
            select r.tenant_id, r.organization_id, kind, -count(*), members from old_rows r
            where exists (select 1 from organizations o where o.id = r.organization_id)
            group by r.tenant_id, r.organization_id;
          else
            delete from entity_counts where entity_type = kind;
          end if;
          return null;
        end $$;
        revoke all on function app.count_entity_rows() from public;
      `.execute(db)
      await tenantTablePolicies('entity_counts', {
        select: all(ctx.tenant, any(adminOf('organization_id'), all('members_read', memberOf('organization_id')))),
        insert: 'false',
        update: 'false',
        delete: 'false',
      }).execute(db)

      for (const table of ['pages', 'attachments']) {
        await sql`drop index ${sql.id(`${table}_org_created_idx`)}`.execute(db)
        await sql`create index ${sql.id(`${table}_org_created_idx`)} on ${sql.table(table)} (organization_id, created_at, id)`.execute(db)
      }

      const { rows } = await sql<{ type: string; table: string }>`
        select entity_type as type, table_name as table from app.entity_types
        where to_regclass('public.' || quote_ident(table_name)) is not null order by entity_type`.execute(db)
      for (const entity of rows) await applyEntityCount(db, entity, membersReadAll.has(entity.type))
    },
  }
}
