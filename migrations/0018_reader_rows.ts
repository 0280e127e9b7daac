import { type Kysely, sql } from 'kysely'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/**
 * The change log's row images (0015) reach a stream's context only where that context may read
 * the row as it was (SPEC §4.6: the database decides, not only the API that filters afterwards):
 * - `app.entity_types` records what plain members may read (`member_read`: `all`, `owned` through
 *   `read_owner`, or `none`), written by `applyEntityIsolation` from the declaration's `rules.read`
 *   (and compared with it by the catalog check);
 * - `app.row_for_reader(type, organization, image)`: whether the caller's context sees the activity
 *   at all (a member does not see another member's owner-only rows, not even their ids), and the
 *   image it may have: all of it for system admins, the organization's admins and readers the rule
 *   admits; in the public context only an image that satisfies the entity's `public_read` (a row
 *   written while private and published later never shows its private past);
 * - `app.activities_for` as in 0011, through it.
 * The sync context (`app.activities_after`, the API's own feed) keeps every image.
 */
export function readerRows() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        alter table app.entity_types
          add column member_read text not null default 'all' check (member_read in ('all', 'owned', 'none')),
          add column read_owner text check (read_owner ~ '^[a-z_][a-z0-9_]{0,62}$'),
          add constraint entity_types_read_owner check ((member_read = 'owned') = (read_owner is not null));

        create function app.row_for_reader(kind text, org uuid, image jsonb, out visible boolean, out row_data jsonb)
          language plpgsql stable security definer ${safeSearchPath} as $$
        declare
          entity app.entity_types;
          matches boolean;
        begin
          visible := true;
          row_data := image;
          select * into entity from app.entity_types where entity_type = kind;
          -- Strata's own types: the branch of app.activities_for that admitted the activity decides.
          if not found then
            return;
          end if;
          if (select app.in_public_context()) then
            matches := false;
            if entity.public_read is not null and image is not null then
              execute format('select (%s) from jsonb_populate_record(null::public.%I, $1) as %I', entity.public_read, entity.table_name, entity.table_name)
                into matches using image;
            end if;
            row_data := case when coalesce(matches, false) then image end;
            return;
          end if;
          if (select app.is_system_admin()) or org = any ((select app.admin_org_ids())::uuid[]) or entity.member_read = 'all' then
            return;
          end if;
          -- A delete's image is the row before it: its owner learns that it is gone.
          visible := entity.member_read = 'owned' and image ->> entity.read_owner = (select app.user_uuid())::text;
          row_data := case when visible then image end;
        end $$;
        revoke all on function app.row_for_reader(text, uuid, jsonb) from public;

        create or replace function app.activities_for(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer ${safeSearchPath} as $$
          select (jsonb_populate_record(a, jsonb_build_object('row_data', r.row_data))).*
          from activities a
            cross join lateral app.row_for_reader(a.entity_type, a.organization_id, a.row_data) r
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
            and r.visible
          order by a.id limit max_rows $$;
      `.execute(db)
    },
  }
}
