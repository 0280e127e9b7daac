import { type Kysely, sql } from 'kysely'
import { tenantTablePolicies } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'
import { syncedTables } from './0004_sync.js'

/**
 * The `sync.source: 'notify'` alternative (SPEC §8) for databases without logical replication,
 * switched on per database with `ALTER DATABASE … SET strata.sync_source = 'notify'`: row
 * triggers record each change in `activity_outbox` (in the writing transaction, so nothing is
 * lost), and `app.sequence_outbox()` turns recorded changes into activities once every
 * transaction that could still commit before them has finished (the xid horizon of the current
 * snapshot) — so cursors only ever grow and a reader following them never misses one.
 */
export function notifySource(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table activity_outbox (
          xid xid8 not null default pg_current_xact_id(),
          position bigint generated always as identity,
          tenant_id text not null,
          organization_id uuid,
          user_id uuid,
          entity_type text not null,
          entity_id text not null,
          action text not null,
          changed_fields text[],
          created_at timestamptz not null default now(),
          primary key (xid, position)
        );

        create function app.camel(name text) returns text language sql immutable as $$
          select string_agg(case when i = 1 then w else initcap(w) end, '' order by i)
          from unnest(string_to_array(name, '_')) with ordinality as t(w, i) $$;

        create function app.record_change() returns trigger
          language plpgsql security definer set search_path = pg_catalog, public as $$
        declare
          row_data jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
          kind text := case tg_table_name when 'tenants' then 'tenant' when 'organizations' then 'organization'
            when 'memberships' then 'membership' when 'inactive_memberships' then 'invitation'
            when 'pages' then 'page' when 'attachments' then 'attachment' end;
          changed text[];
        begin
          -- Installed everywhere, active only where the database is set to the notify source.
          if coalesce(current_setting('strata.sync_source', true), '') <> 'notify' then
            return null;
          end if;
          if tg_op = 'UPDATE' then
            select array_agg(app.camel(n.key) order by n.key) into changed
            from jsonb_each(to_jsonb(new)) n
            where n.key <> 'updated_at' and n.value is distinct from (to_jsonb(old) -> n.key);
          end if;
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

        create function app.sequence_outbox() returns integer
          language plpgsql security definer set search_path = pg_catalog, public as $$
        declare
          horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
          moved integer := 0;
          last_cursor text;
          r record;
          next_seq bigint;
        begin
          -- One sequencer at a time, whichever API instance calls.
          if not pg_try_advisory_xact_lock(hashtext('strata_sequence_outbox')) then
            return 0;
          end if;
          for r in select * from activity_outbox where xid < horizon order by xid, position for update loop
            next_seq := null;
            if r.organization_id is not null then
              insert into counters (key, value) values ('seq:org:' || r.organization_id, 1)
              on conflict (key) do update set value = counters.value + 1
              returning value into next_seq;
            end if;
            last_cursor := lpad(upper(to_hex(r.xid::text::bigint)), 16, '0') || '-' || lpad(to_hex(r.position), 6, '0');
            insert into activities (id, tenant_id, organization_id, user_id, entity_type, entity_id, action, seq, changed_fields, created_at)
            values (last_cursor, r.tenant_id, r.organization_id, r.user_id, r.entity_type, r.entity_id, r.action, next_seq, r.changed_fields, r.created_at)
            on conflict (id) do nothing;
            delete from activity_outbox where xid = r.xid and position = r.position;
            moved := moved + 1;
          end loop;
          if moved > 0 then
            perform pg_notify('strata_activities', last_cursor);
          end if;
          return moved;
        end $$;
        revoke all on function app.sequence_outbox() from public;
        grant execute on function app.sequence_outbox() to ${runtime};
      `.execute(db)
      // Only the SECURITY DEFINER functions above touch the outbox; it carries tenant_id, so it
      // gets the same forced RLS as every tenant table, with nothing allowed.
      await tenantTablePolicies('activity_outbox', { select: 'false', insert: 'false', update: 'false', delete: 'false' }).execute(db)
      for (const table of syncedTables) {
        await sql`create trigger ${sql.raw(`${table}_record_change`)} after insert or update or delete on ${sql.table(table)}
          for each row execute function app.record_change()`.execute(db)
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of syncedTables) {
        await sql`drop trigger ${sql.raw(`${table}_record_change`)} on ${sql.table(table)}`.execute(db)
      }
      await sql`drop function app.sequence_outbox(); drop function app.record_change(); drop function app.camel(text); drop table activity_outbox;`.execute(db)
    },
  }
}
