import { type Kysely, sql } from 'kysely'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/**
 * Rows in the events (issue 18.6, SPEC §7): every activity of an org-scoped entity or a membership
 * keeps the row it was recorded with (`row_data`: the row after a create or update, before a
 * delete), so live and replayed events carry the entity as it was at that change, never a later
 * state read back from its table. The API turns it into the entity's DTO for recipients allowed to
 * read it; a delete's image only decides who those are. Tenants, organizations and invitations
 * (an invitation row holds its token's hash) record none.
 * - the CDC worker writes it from the row image of the WAL (sync/persist.ts);
 * - the notify source records it in the outbox (`app.record_change` as in 0014, `app.sequence_outbox`
 *   as in 0014, each with the one column more); `changed_fields` leaves out the bookkeeping columns
 *   of field versions (`stx_*`, entities/field-versions.ts) as it does `updated_at`.
 */
export function rowPayloads() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        alter table activities add column row_data jsonb;
        alter table activity_outbox add column row_data jsonb;

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
          insert into activity_outbox (tenant_id, organization_id, user_id, entity_type, entity_id, action, changed_fields, left_public, row_data)
          values (
            case when kind = 'tenant' then row_data ->> 'id' else row_data ->> 'tenant_id' end,
            case when kind = 'tenant' then null when kind = 'organization' then (row_data ->> 'id')::uuid else (row_data ->> 'organization_id')::uuid end,
            case when kind in ('membership', 'invitation') then (row_data ->> 'user_id')::uuid end,
            kind, row_data ->> 'id',
            case tg_op when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end,
            changed,
            tg_op <> 'INSERT' and app.left_public(kind, to_jsonb(old), case when tg_op = 'UPDATE' then to_jsonb(new) end),
            case when kind not in ('tenant', 'organization', 'invitation') then row_data end);
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
            insert into activities (id, tenant_id, organization_id, user_id, entity_type, entity_id, action, seq, changed_fields, created_at, left_public, row_data)
            values (last_cursor, r.tenant_id, r.organization_id, r.user_id, r.entity_type, r.entity_id, r.action, next_seq, r.changed_fields, r.created_at, r.left_public, r.row_data);
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
