import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'
import { applyEntityIsolation } from '../entities/isolation.js'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/** Strata's own synced tables that are not org-scoped entities, and the type each change carries. */
// Pages' and attachments' rules since 0002: members create, read, update; delete what they created.
const pageRules = { create: true, read: true, update: true, delete: { ownedBy: 'created_by' } } as const

const coreTypes = { tenants: 'tenant', organizations: 'organization', memberships: 'membership', inactive_memberships: 'invitation' }

/**
 * The entity platform's database side (issue 13, SPEC §12):
 * - `app.entity_types`: the org-scoped entity types, their tables and public-read predicates, written
 *   by `applyEntityIsolation`; the source of truth for processes that do not load authors' code
 *   (the CDC worker) and for the public branch of `app.activities_for`;
 * - `app.record_change` takes the entity type from its trigger argument (no closed `CASE`: an
 *   author's table gets a trigger with its own type);
 * - pages and attachments go through the same helper as an author's entity, with the rules and
 *   public read they have had since 0002 (written out here, so this migration never changes when
 *   a declaration does).
 */
export function entityPlatform(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  const cdc = sql.id(roles.cdc)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table app.entity_types (
          entity_type text primary key check (entity_type ~ '^[a-z][a-z0-9_]{0,62}$'),
          table_name text not null unique check (table_name ~ '^[a-z][a-z0-9_]{0,62}$'),
          -- the public RLS context's condition on the table; null: no public read
          public_read text
        );
        grant select on app.entity_types to ${runtime}, ${cdc};

        create or replace function app.record_change() returns trigger
          language plpgsql security definer ${safeSearchPath} as $$
        declare
          row_data jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
          kind text := tg_argv[0];
          changed text[];
        begin
          -- Installed everywhere, active only where the database is set to the notify source.
          if coalesce(current_setting('strata.sync_source', true), '') <> 'notify' then
            return null;
          end if;
          if kind is null then
            raise exception 'app.record_change on % needs the entity type as its trigger argument', tg_table_name;
          end if;
          if tg_op = 'UPDATE' then
            select array_agg(app.camel(n.key) order by n.key) into changed
            from jsonb_each(to_jsonb(new)) n
            where n.key <> 'updated_at' and n.value is distinct from (to_jsonb(old) -> n.key);
          end if;
          -- Tenants and organizations are their own scope; every other type is org-scoped.
          insert into activity_outbox (tenant_id, organization_id, user_id, entity_type, entity_id, action, changed_fields)
          values (
            case when kind = 'tenant' then row_data ->> 'id' else row_data ->> 'tenant_id' end,
            case when kind = 'tenant' then null when kind = 'organization' then (row_data ->> 'id')::uuid else (row_data ->> 'organization_id')::uuid end,
            case when kind in ('membership', 'invitation') then (row_data ->> 'user_id')::uuid end,
            kind, row_data ->> 'id',
            case tg_op when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end,
            changed);
          perform pg_notify('strata_outbox', '');
          return null;
        end $$;

        -- As in 0007, except the public branch: every entity type with a public read, not only pages.
        create or replace function app.activities_for(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer ${safeSearchPath} as $$
          select a.* from activities a
          where a.id > after_cursor
            and a.tenant_id <> all ((select coalesce(array_agg(id), '{}') from tenants where status <> 'active')::text[])
            and case
              when (select app.in_public_context()) then a.tenant_id = (select app.tenant_id())
                and a.entity_type = any ((select coalesce(array_agg(entity_type), '{}') from app.entity_types where public_read is not null)::text[])
              when (select app.in_tenant_context() or app.in_user_context()) then
                ((select app.tenant_id()) = '' or a.tenant_id = (select app.tenant_id())) and (
                  (select app.is_system_admin())
                  or a.organization_id = any ((select app.member_org_ids())::uuid[])
                  or (a.user_id = (select app.user_uuid()) and a.entity_type in ('membership', 'invitation')))
              else false
            end
          order by a.id limit max_rows $$;
      `.execute(db)

      for (const [table, type] of Object.entries(coreTypes)) {
        await sql`drop trigger ${sql.id(`${table}_record_change`)} on ${sql.table(table)}`.execute(db)
        await sql`create trigger ${sql.id(`${table}_record_change`)} after insert or update or delete on ${sql.table(table)}
          for each row execute function app.record_change(${sql.lit(type)})`.execute(db)
      }
      await applyEntityIsolation(db, { type: 'page', table: 'pages', rules: pageRules, publicRead: { sql: `public_access and status = 'published'` } }, roles)
      await applyEntityIsolation(db, { type: 'attachment', table: 'attachments', rules: pageRules }, roles)
    },
  }
}
