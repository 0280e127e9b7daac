import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/**
 * Notify-source cursors that stay unique and ordered forever (issue 18.5). 0006/0007 built the
 * cursor from the outbox's global identity cut to 6 hex digits: past 16.7 million recorded changes
 * two changes of one transaction shared an id (and sorted wrongly), and `on conflict do nothing`
 * dropped one. The cursor is now `<16 hex xid>-<6 hex position within the transaction>`, the
 * replication source's shape (commit LSN, position within the transaction): xid8 never wraps, and
 * a transaction's changes are all sequenced in one call (the horizon admits only finished ones).
 * A transaction with more changes than 6 hex digits hold raises instead of colliding, and a
 * duplicate id would raise too: nothing is dropped silently.
 */
export function notifyCursor(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
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
            insert into activities (id, tenant_id, organization_id, user_id, entity_type, entity_id, action, seq, changed_fields, created_at)
            values (last_cursor, r.tenant_id, r.organization_id, r.user_id, r.entity_type, r.entity_id, r.action, next_seq, r.changed_fields, r.created_at);
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
    },
  }
}
