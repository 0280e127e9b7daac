import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/**
 * A member learns of every row that leaves their view because its owner changed, as public streams
 * do of rows that leave the public view (0014). For an entity whose members read only the rows they
 * own (`member_read = 'owned'`), an update that moves the row to another owner records the previous
 * owner in `activities.left_owner`: that member gets a `delete` for it (no data), live or replayed,
 * and nothing of the row after.
 * - `app.left_owner(type, old, new)`: the previous owner when the change moved the row (jsonb row
 *   images), for the CDC worker and for `app.record_change` alike;
 * - the notify source records it in the outbox (`app.record_change` and `app.sequence_outbox` as in
 *   0015, each with the one column more);
 * - `app.activities_for` as in 0018, admitting the activity for its previous owner as what it is to
 *   them, a `delete` with no image and no changed fields; `left_owner` reaches no other context (who
 *   held a row is not the business of its new owner, its admins or the public).
 */
export function ownerTransitions(roles: RoleNames) {
  const cdc = sql.id(roles.cdc)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        alter table activities add column left_owner text;
        alter table activity_outbox add column left_owner text;

        create function app.left_owner(kind text, old_row jsonb, new_row jsonb) returns text
          language sql stable security definer ${safeSearchPath} as $$
          select old_row ->> e.read_owner from app.entity_types e
          where e.entity_type = kind and e.member_read = 'owned' and new_row is not null
            and (old_row ->> e.read_owner) is distinct from (new_row ->> e.read_owner) $$;
        revoke all on function app.left_owner(text, jsonb, jsonb) from public;
        grant execute on function app.left_owner(text, jsonb, jsonb) to ${cdc};

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
            where n.key not in ('updated_at', 'stx_versions', 'stx_mutation_id', 'stx_source_id')
              and n.value is distinct from (to_jsonb(old) -> n.key);
          end if;
          -- Tenants and organizations are their own scope; every other type is org-scoped.
          insert into activity_outbox (tenant_id, organization_id, user_id, entity_type, entity_id, action, changed_fields, left_public, row_data, left_owner)
          values (
            case when kind = 'tenant' then row_data ->> 'id' else row_data ->> 'tenant_id' end,
            case when kind = 'tenant' then null when kind = 'organization' then (row_data ->> 'id')::uuid else (row_data ->> 'organization_id')::uuid end,
            case when kind in ('membership', 'invitation') then (row_data ->> 'user_id')::uuid end,
            kind, row_data ->> 'id',
            case tg_op when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end,
            changed,
            tg_op <> 'INSERT' and app.left_public(kind, to_jsonb(old), case when tg_op = 'UPDATE' then to_jsonb(new) end),
            case when kind not in ('tenant', 'organization', 'invitation') then row_data end,
            case when tg_op = 'UPDATE' then app.left_owner(kind, to_jsonb(old), to_jsonb(new)) end);
          perform pg_notify('strata_outbox', '');
          return null;
        end $$;

        create or replace function app.sequence_outbox() returns integer
          language plpgsql security definer ${safeSearchPath} as $$
        declare
          horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
          moved integer := 0;
          last_cursor text;
          r record;
          next_seq bigint;
          current_xid xid8;
          position_in_xact bigint;
        begin
          if not app.in_sync_context() then
            raise exception 'sequencing the outbox needs the sync context' using errcode = '42501';
          end if;
          -- One sequencer at a time, whichever API instance calls.
          if not pg_try_advisory_xact_lock(hashtext('strata_sequence_outbox')) then
            return 0;
          end if;
          for r in select * from activity_outbox where xid < horizon order by xid, position for update loop
            if r.xid is distinct from current_xid then
              current_xid := r.xid;
              position_in_xact := 0;
            else
              position_in_xact := position_in_xact + 1;
            end if;
            if position_in_xact > x'ffffff'::bigint then
              raise exception 'transaction % recorded more changes than a cursor numbers (16,777,216)', r.xid;
            end if;
            next_seq := null;
            if r.organization_id is not null then
              insert into counters (key, value) values ('seq:org:' || r.organization_id, 1)
              on conflict (key) do update set value = counters.value + 1
              returning value into next_seq;
            end if;
            last_cursor := lpad(upper(to_hex(r.xid::text::bigint)), 16, '0') || '-' || lpad(to_hex(position_in_xact), 6, '0');
            insert into activities (id, tenant_id, organization_id, user_id, entity_type, entity_id, action, seq, changed_fields, created_at, left_public, row_data, left_owner)
            values (last_cursor, r.tenant_id, r.organization_id, r.user_id, r.entity_type, r.entity_id, r.action, next_seq, r.changed_fields, r.created_at, r.left_public, r.row_data, r.left_owner);
            delete from activity_outbox where xid = r.xid and position = r.position;
            moved := moved + 1;
          end loop;
          if moved > 0 then
            perform pg_notify('strata_activities', last_cursor);
          end if;
          return moved;
        end $$;
        create or replace function app.activities_for(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer ${safeSearchPath} as $$
          select (jsonb_populate_record(a, case
            when r.visible then jsonb_build_object('row_data', r.row_data, 'left_owner', null)
            else jsonb_build_object('row_data', null, 'action', 'delete', 'changed_fields', null) end)).*
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
            and (r.visible or a.left_owner = (select app.user_uuid())::text)
          order by a.id limit max_rows $$;
      `.execute(db)
    },
  }
}
