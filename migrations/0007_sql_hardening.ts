import { type Kysely, sql } from 'kysely'
import { adminOf, all, any, ctx } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'

// A SECURITY DEFINER function runs with its owner's rights: a caller's temporary table must never
// shadow a name it uses, so pg_temp is searched last (Postgres searches it FIRST when omitted).
const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

// Membership rows the current context may stand on: those of its tenant, or of every tenant in
// user context. Nothing without a context.
const inContextTenant = "app.has_context() and (app.tenant_id() = '' or tenant_id = app.tenant_id())"

// An organization is created in one's own name, where app.may_create_organizations().
const organizationInsert = all(ctx.tenant, `created_by = ${ctx.me}`, '(select app.may_create_organizations())')

const membershipInsert = any(
  // an org admin adds members; the creator of a new org (no member yet) becomes its first member
  all(ctx.tenant, any(adminOf('organization_id'), all(`user_id = ${ctx.me}`, 'app.may_join_as_founder(organization_id)'))),
  // an invitee accepts an invitation with the invited role
  all(ctx.user, `user_id = ${ctx.me}`, 'app.invited_to(organization_id, role)'),
)

/**
 * SQL hardening (issue 12, SPEC §4.5–4.6):
 * - every SECURITY DEFINER function gets a search_path with pg_temp last;
 * - every function the runtime role may call answers nothing (or refuses) without a context, and
 *   only what its context may read within one; the change log is read in the sync engine's
 *   context (`app.sync_reader`), and replay derives what a stream may see from its context, never
 *   from arguments, and skips tenants that are not active;
 * - creating an organization, and becoming its first admin, follow the tenancy rules.
 * No `down`: putting hijackable functions back is never wanted.
 */
export function sqlHardening(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        -- Functions created from here on are callable only by the roles they are granted to.
        alter default privileges revoke execute on functions from public;

        -- The sync engine's global reader: no tenant, no user, only the change log.
        create function app.in_sync_context() returns boolean language sql stable
          as $$ select coalesce(current_setting('app.sync_reader', true), '') = 'true'
                  and app.tenant_id() = '' and app.user_id() = '' and not app.is_authenticated() $$;

        create or replace function app.member_org_ids() returns uuid[] language sql stable security definer ${safeSearchPath}
          as $$ select coalesce(array_agg(organization_id), '{}') from memberships
                where user_id = app.user_uuid() and ${sql.raw(inContextTenant)} $$;
        create or replace function app.admin_org_ids() returns uuid[] language sql stable security definer ${safeSearchPath}
          as $$ select coalesce(array_agg(organization_id), '{}') from memberships
                where user_id = app.user_uuid() and role = 'admin' and ${sql.raw(inContextTenant)} $$;
        create or replace function app.member_tenant_ids() returns text[] language sql stable security definer ${safeSearchPath}
          as $$ select coalesce(array_agg(distinct tenant_id), '{}') from memberships
                where user_id = app.user_uuid() and ${sql.raw(inContextTenant)} $$;
        create or replace function app.is_system_admin() returns boolean language sql stable security definer ${safeSearchPath}
          as $$ select app.has_context() and exists (select 1 from system_roles where user_id = app.user_uuid() and role = 'admin') $$;
        create or replace function app.role_in(org uuid) returns text language sql stable security definer ${safeSearchPath}
          as $$ select role from memberships where organization_id = org and user_id = app.user_uuid() and ${sql.raw(inContextTenant)} $$;
        create or replace function app.invited_to(org uuid, invited_role text) returns boolean language sql stable security definer ${safeSearchPath}
          as $$ select exists (select 1 from inactive_memberships
                where organization_id = org and user_id = app.user_uuid() and role = invited_role and ${sql.raw(inContextTenant)}) $$;

        -- Who may create an organization in the context's tenant (SPEC §4.6): a member of the
        -- tenant, a system admin, or anyone in 'main', the tenant of single-tenant mode, where
        -- every user belongs to the one tenant (a multi-mode tenant id has six characters).
        create function app.may_create_organizations() returns boolean language sql stable
          as $$ select app.in_tenant_context() and (app.tenant_id() = any (app.member_tenant_ids())
                  or app.is_system_admin() or app.tenant_id() = 'main') $$;

        -- The first member of an organization: its creator, while they may still create
        -- organizations in its tenant and it has no member.
        create function app.may_join_as_founder(org uuid) returns boolean language sql stable security definer ${safeSearchPath}
          as $$ select app.may_create_organizations()
                  and exists (select 1 from organizations where id = org and tenant_id = app.tenant_id() and created_by = app.user_uuid())
                  and not exists (select 1 from memberships where organization_id = org) $$;
        alter policy memberships_insert on memberships with check (${sql.raw(membershipInsert)});
        alter policy organizations_insert on organizations with check (${sql.raw(organizationInsert)});
        -- Answered whether any organization of any tenant had members; replaced by may_join_as_founder.
        drop function app.org_has_members(uuid);

        create or replace function app.claim_invitation_token(token_secret text) returns integer
          language plpgsql volatile security definer ${safeSearchPath} as $$
        declare
          claimed integer;
          found_token uuid;
        begin
          if not app.in_user_context() then
            raise exception 'claiming an invitation token needs the user context' using errcode = '42501';
          end if;
          select t.id into found_token from tokens t
            join users u on u.id = app.user_uuid() and u.email = t.email
            where t.secret = token_secret and t.type = 'invitation'
              and t.consumed_at is null and t.expires_at > now()
            for update of t;
          if found_token is null then
            return 0;
          end if;
          update inactive_memberships set user_id = app.user_uuid() where token_id = found_token;
          get diagnostics claimed = row_count;
          update tokens set consumed_at = now(), user_id = app.user_uuid() where id = found_token;
          return claimed;
        end
        $$;

        -- The whole change log, for the sync engine's context only.
        create or replace function app.activities_after(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer ${safeSearchPath}
          as $$ select * from activities where app.in_sync_context() and id > after_cursor order by id limit max_rows $$;
        create or replace function app.latest_activity_cursor() returns text
          language sql stable security definer ${safeSearchPath}
          as $$ select case when app.in_sync_context() then coalesce(max(id), '') end from activities $$;

        -- What one stream may replay (SPEC §7), decided by its context: a user's organizations, their
        -- own memberships and invitations, everything for a system admin; or, in public context, the
        -- page changes of that one tenant. Never a tenant that is not active.
        drop function app.activities_for(text, integer, uuid[], uuid, text, boolean);
        create function app.activities_for(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer ${safeSearchPath} as $$
          select a.* from activities a
          where a.id > after_cursor
            and a.tenant_id <> all ((select coalesce(array_agg(id), '{}') from tenants where status <> 'active')::text[])
            and case
              when (select app.in_public_context()) then a.tenant_id = (select app.tenant_id()) and a.entity_type = 'page'
              when (select app.in_tenant_context() or app.in_user_context()) then
                ((select app.tenant_id()) = '' or a.tenant_id = (select app.tenant_id())) and (
                  (select app.is_system_admin())
                  or a.organization_id = any ((select app.member_org_ids())::uuid[])
                  or (a.user_id = (select app.user_uuid()) and a.entity_type in ('membership', 'invitation')))
              else false
            end
          order by a.id limit max_rows $$;

        create or replace function app.sequence_outbox() returns integer
          language plpgsql security definer ${safeSearchPath} as $$
        declare
          horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
          moved integer := 0;
          last_cursor text;
          r record;
          next_seq bigint;
        begin
          if not app.in_sync_context() then
            raise exception 'sequencing the outbox needs the sync context' using errcode = '42501';
          end if;
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

        alter function app.record_change() ${safeSearchPath};

        -- Callable only where granted by name (0006 left app.camel and app.record_change to PUBLIC).
        revoke all on all functions in schema app from public;
        grant execute on function app.may_create_organizations(), app.may_join_as_founder(uuid), app.activities_for(text, integer) to ${runtime};
      `.execute(db)
    },
  }
}
