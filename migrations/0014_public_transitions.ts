import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/**
 * Public streams learn of every row that leaves the public view (issue 18.3). Whether a change took
 * its row out of its tenant's public view is decided when the change is recorded, from the row
 * before and after it (the entity's `public_read` predicate of `app.entity_types`), and kept in
 * `activities.left_public`: a public subscriber gets a `delete` for it whenever it connected, and
 * never one for a row that was not public before the change.
 * - `app.left_public(type, old, new)`: the test on two row images (jsonb), for the CDC worker and
 *   for `app.record_change` alike;
 * - the notify source records it in the outbox (`app.record_change` as in 0011, `app.sequence_outbox`
 *   as in 0012, each with the one column more);
 * - `app.activity_left_public(cursor)`: the flag of one activity of the public context's tenant.
 */
export function publicTransitions(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  const cdc = sql.id(roles.cdc)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        alter table activities add column left_public boolean not null default false;
        alter table activity_outbox add column left_public boolean not null default false;

        create function app.left_public(kind text, old_row jsonb, new_row jsonb) returns boolean
          language plpgsql stable security definer ${safeSearchPath} as $$
        declare
          entity app.entity_types;
          was boolean;
          still boolean;
          -- The predicate reads the row image as the table's row type, under the table's name.
          test text;
        begin
          select * into entity from app.entity_types where entity_type = kind;
          if entity.public_read is null or old_row is null then
            return false;
          end if;
          test := format('select (%s) from jsonb_populate_record(null::public.%I, $1) as %I', entity.public_read, entity.table_name, entity.table_name);
          execute test into was using old_row;
          if not coalesce(was, false) then
            return false;
          end if;
          if new_row is not null then
            execute test into still using new_row;
          end if;
          return not coalesce(still, false);
        end $$;
        revoke all on function app.left_public(text, jsonb, jsonb) from public;
        grant execute on function app.left_public(text, jsonb, jsonb) to ${cdc};

        create function app.activity_left_public(cursor text) returns boolean
          language sql stable security definer ${safeSearchPath} as $$
          select coalesce((select a.left_public from activities a
            where a.id = cursor and (select app.in_public_context()) and a.tenant_id = (select app.tenant_id())), false) $$;
        revoke all on function app.activity_left_public(text) from public;
        grant execute on function app.activity_left_public(text) to ${runtime};

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
          insert into activity_outbox (tenant_id, organization_id, user_id, entity_type, entity_id, action, changed_fields, left_public)
          values (
            case when kind = 'tenant' then row_data ->> 'id' else row_data ->> 'tenant_id' end,
            case when kind = 'tenant' then null when kind = 'organization' then (row_data ->> 'id')::uuid else (row_data ->> 'organization_id')::uuid end,
            case when kind in ('membership', 'invitation') then (row_data ->> 'user_id')::uuid end,
            kind, row_data ->> 'id',
            case tg_op when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end,
            changed,
            tg_op <> 'INSERT' and app.left_public(kind, to_jsonb(old), case when tg_op = 'UPDATE' then to_jsonb(new) end));
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
            insert into activities (id, tenant_id, organization_id, user_id, entity_type, entity_id, action, seq, changed_fields, created_at, left_public)
            values (last_cursor, r.tenant_id, r.organization_id, r.user_id, r.entity_type, r.entity_id, r.action, next_seq, r.changed_fields, r.created_at, r.left_public);
            delete from activity_outbox where xid = r.xid and position = r.position;
            moved := moved + 1;
          end loop;
          if moved > 0 then
            perform pg_notify('strata_activities', last_cursor);
          end if;
          return moved;
        end $$;
      `.execute(db)
    },
  }
}
