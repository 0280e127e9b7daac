import { type Kysely, sql } from 'kysely'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/**
 * The public context reads through `app.activities_for` only what a public stream may send
 * (docs/streams.md): the changes of rows that are public now (of a change made while the row was
 * private, neither image nor changed fields), and a bare `delete` (no image, no changed fields)
 * for each change that took a row out of the public view (`left_public`, 0014).
 * Before this, it read every activity of an entity type with a public read, private rows' ids,
 * actions and changed fields included, and only the API's own filter kept them from a stream.
 * - `app.row_public_now(type, tenant, id)`: the row exists and the entity's public read selects
 *   it, in the tenant (what the table's public policy admits; the definer bypasses RLS, so the
 *   condition is applied here); an id the table's id type cannot hold is no row (PostgreSQL 16's
 *   `pg_input_is_valid`), not an error that would stop the tenant's whole replay;
 * - `app.activities_for` as in 0020, with that condition in its public branch.
 */
export function publicReplay() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create function app.row_public_now(kind text, tenant text, entity_id text) returns boolean
          language plpgsql stable security definer ${safeSearchPath} as $$
        declare
          entity app.entity_types;
          id_type text;
          shown boolean;
        begin
          select * into entity from app.entity_types where entity_type = kind;
          if not found or entity.public_read is null then
            return false;
          end if;
          -- An id its table's id column cannot hold names no row of it (and must not abort the replay).
          select format_type(a.atttypid, a.atttypmod) into id_type from pg_attribute a
          where a.attrelid = to_regclass(format('public.%I', entity.table_name)) and a.attname = 'id' and not a.attisdropped;
          if id_type is null or not pg_input_is_valid(entity_id, id_type) then
            return false;
          end if;
          -- The id as a literal: compared with the table's own id type (its index serves the look-up).
          execute format('select exists (select 1 from public.%1$I where %1$I.id = %2$L and %1$I.tenant_id = %3$L and (%4$s))',
            entity.table_name, entity_id, tenant, entity.public_read) into shown;
          return shown;
        end $$;
        revoke all on function app.row_public_now(text, text, text) from public;

        create or replace function app.activities_for(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer ${safeSearchPath} as $$
          select (jsonb_populate_record(a, case
            when a.left_public and (select app.in_public_context()) then jsonb_build_object('row_data', null, 'action', 'delete', 'changed_fields', null, 'left_owner', null)
            -- Written while private: the public learns that the row changed, not what changed.
            when r.row_data is null and (select app.in_public_context()) then jsonb_build_object('row_data', null, 'changed_fields', null, 'left_owner', null)
            when r.visible then jsonb_build_object('row_data', r.row_data, 'left_owner', null)
            else jsonb_build_object('row_data', null, 'action', 'delete', 'changed_fields', null) end)).*
          from activities a
            cross join lateral app.row_for_reader(a.entity_type, a.organization_id, a.row_data) r
          where a.id > after_cursor
            and a.tenant_id <> all ((select coalesce(array_agg(id), '{}') from tenants where status <> 'active')::text[])
            and case
              when (select app.in_public_context()) then a.tenant_id = (select app.tenant_id())
                and a.entity_type = any ((select coalesce(array_agg(entity_type), '{}') from app.entity_types where public_read is not null)::text[])
                and (a.left_public or (a.action <> 'delete' and app.row_public_now(a.entity_type, a.tenant_id, a.entity_id)))
              when (select app.in_tenant_context() or app.in_user_context()) then
                ((select app.tenant_id()) = '' or a.tenant_id = (select app.tenant_id())) and (
                  (select app.is_system_admin())
                  or a.organization_id = any ((select app.member_org_ids())::uuid[])
                  or (a.user_id = (select app.user_uuid()) and a.entity_type in ('membership', 'invitation')))
              else false
            end
            and (r.visible or a.left_owner = (select app.user_uuid())::text)
          order by a.id limit max_rows $$;
      `.execute(db)
    },
  }
}
