import { type Kysely, sql } from 'kysely'
import { adminOf, all, any, ctx, immutableColumns, memberOf, tenantTablePolicies } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'

const tenantTables = ['organizations', 'memberships', 'inactive_memberships', 'pages', 'attachments', 'activities']

/** Row-level security, immutability triggers and least-privilege grants (SPEC §4). */
export function tenantIsolation(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  const cdc = sql.id(roles.cdc)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create schema app;

        -- Context settings, always read as '' when unset or reset (never cast raw).
        create function app.tenant_id() returns text language sql stable
          as $$ select coalesce(current_setting('app.tenant_id', true), '') $$;
        create function app.user_id() returns text language sql stable
          as $$ select coalesce(current_setting('app.user_id', true), '') $$;
        create function app.is_authenticated() returns boolean language sql stable
          as $$ select coalesce(current_setting('app.is_authenticated', true), '') = 'true' $$;
        create function app.user_uuid() returns uuid language sql stable
          as $$ select nullif(app.user_id(), '')::uuid $$;

        create function app.in_tenant_context() returns boolean language sql stable
          as $$ select (app.tenant_id() <> '') and (app.user_id() <> '') and (app.is_authenticated()) $$;
        create function app.in_user_context() returns boolean language sql stable
          as $$ select (app.tenant_id() = '') and (app.user_id() <> '') and (app.is_authenticated()) $$;
        create function app.in_public_context() returns boolean language sql stable
          as $$ select (app.tenant_id() <> '') and (app.user_id() = '') and (not app.is_authenticated()) $$;
        create function app.has_context() returns boolean language sql stable
          as $$ select (app.in_tenant_context()) or (app.in_user_context()) or (app.in_public_context()) $$;

        -- Membership look-ups used inside policies. SECURITY DEFINER (owner bypasses RLS) so a
        -- policy on memberships never recurses into itself; without arguments, so a policy can
        -- call them once per statement as an init-plan: (select app.member_org_ids()).
        create function app.member_org_ids() returns uuid[] language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select coalesce(array_agg(organization_id), '{}') from memberships where user_id = app.user_uuid() $$;
        create function app.admin_org_ids() returns uuid[] language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select coalesce(array_agg(organization_id), '{}') from memberships
                where user_id = app.user_uuid() and role = 'admin' $$;
        create function app.member_tenant_ids() returns text[] language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select coalesce(array_agg(distinct tenant_id), '{}') from memberships where user_id = app.user_uuid() $$;
        create function app.is_system_admin() returns boolean language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select exists (select 1 from system_roles where user_id = app.user_uuid() and role = 'admin') $$;
        create function app.org_has_members(org uuid) returns boolean language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select exists (select 1 from memberships where organization_id = org) $$;
        create function app.role_in(org uuid) returns text language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select role from memberships where organization_id = org and user_id = app.user_uuid() $$;
        create function app.invited_to(org uuid, invited_role text) returns boolean language sql stable security definer
          set search_path = pg_catalog, public
          as $$ select exists (select 1 from inactive_memberships
                where organization_id = org and user_id = app.user_uuid() and role = invited_role) $$;

        create function app.forbid_immutable_update() returns trigger language plpgsql as $$
        declare
          col text;
        begin
          foreach col in array TG_ARGV loop
            if (to_jsonb(new) -> col) is distinct from (to_jsonb(old) -> col) then
              raise exception 'column "%" of "%" cannot be changed', col, TG_TABLE_NAME
                using errcode = 'ST400', column = col, table = TG_TABLE_NAME;
            end if;
          end loop;
          return new;
        end
        $$;
      `.execute(db)

      await tenantTablePolicies('organizations', {
        // a tenant's organizations are visible to its members (and to their creator, so that
        // INSERT … RETURNING works before the creator's membership exists)
        select: any(
          all(ctx.tenant, any('tenant_id = any ((select app.member_tenant_ids())::text[])', ctx.sysAdmin, `created_by = ${ctx.me}`)),
          all(ctx.user, 'id = any ((select app.member_org_ids())::uuid[])')),
        insert: ctx.tenant,
        update: all(ctx.tenant, adminOf('id')),
        delete: all(ctx.tenant, adminOf('id')),
      }).execute(db)

      await tenantTablePolicies('memberships', {
        // one's own memberships are always visible (also the one just inserted, for RETURNING)
        select: any(all(ctx.tenant, memberOf('organization_id')), all(any(ctx.tenant, ctx.user), `user_id = ${ctx.me}`)),
        insert: any(
          // an org admin adds members; the creator of a new org becomes its first member
          all(ctx.tenant, any(adminOf('organization_id'),
            all(`user_id = ${ctx.me}`, 'not app.org_has_members(organization_id)'))),
          // an invitee accepts an invitation with the invited role
          all(ctx.user, `user_id = ${ctx.me}`, 'app.invited_to(organization_id, role)'),
        ),
        update: any(all(ctx.tenant, any(adminOf('organization_id'), `user_id = ${ctx.me}`)),
          all(ctx.user, `user_id = ${ctx.me}`)),
        // a non-admin may change their own membership but never its role
        updateCheck: any(all(ctx.tenant, adminOf('organization_id')),
          all(any(ctx.tenant, ctx.user), `user_id = ${ctx.me}`, 'role = app.role_in(organization_id)')),
        delete: all(ctx.tenant, any(adminOf('organization_id'), `user_id = ${ctx.me}`)),
      }).execute(db)

      await tenantTablePolicies('inactive_memberships', {
        select: any(all(ctx.tenant, memberOf('organization_id')), all(ctx.user, `user_id = ${ctx.me}`)),
        insert: all(ctx.tenant, adminOf('organization_id')),
        update: all(ctx.tenant, adminOf('organization_id')),
        delete: any(all(ctx.tenant, adminOf('organization_id')), all(ctx.user, `user_id = ${ctx.me}`)),
      }).execute(db)

      await tenantTablePolicies('pages', {
        select: any(all(ctx.tenant, memberOf('organization_id')),
          all(ctx.public, 'public_access', `status = 'published'`)),
        insert: all(ctx.tenant, memberOf('organization_id')),
        update: all(ctx.tenant, memberOf('organization_id')),
        delete: all(ctx.tenant, any(adminOf('organization_id'),
          all(memberOf('organization_id'), `created_by = ${ctx.me}`))),
      }).execute(db)

      await tenantTablePolicies('attachments', {
        select: all(ctx.tenant, memberOf('organization_id')),
        insert: all(ctx.tenant, memberOf('organization_id')),
        update: all(ctx.tenant, memberOf('organization_id')),
        delete: all(ctx.tenant, any(adminOf('organization_id'),
          all(memberOf('organization_id'), `created_by = ${ctx.me}`))),
      }).execute(db)

      // The change log is written only by the sync engine (owner or cdc role, both bypass RLS).
      await tenantTablePolicies('activities', {
        select: any(all(ctx.tenant, any('organization_id is null', memberOf('organization_id'))),
          all(ctx.user, ctx.sysAdmin)),
        insert: 'false',
        update: 'false',
        delete: 'false',
      }).execute(db)

      for (const table of ['tenants', 'users', 'sessions', 'tokens']) {
        await immutableColumns(table, ['id']).execute(db)
      }
      for (const table of tenantTables) {
        const columns = table === 'organizations' ? ['id', 'tenant_id'] : ['id', 'tenant_id', 'organization_id']
        await immutableColumns(table, columns).execute(db)
      }

      await sql`
        revoke all on schema app from public;
        grant usage on schema app to ${runtime}, ${cdc};
        revoke all on all functions in schema app from public;
        grant execute on all functions in schema app to ${runtime}, ${cdc};

        grant select, insert, update on tenants, users to ${runtime};
        grant select, insert, update, delete on passwords, sessions, tokens, rate_limits to ${runtime};
        grant select on system_roles, activities, kysely_migration to ${runtime};
        grant select, insert, update, delete
          on organizations, memberships, inactive_memberships, pages, attachments to ${runtime};
        grant select, insert, update on counters to ${runtime};

        grant select on tenants, users, organizations, memberships, inactive_memberships, pages, attachments to ${cdc};
        grant select, insert on activities to ${cdc};
        grant select, insert, update on counters to ${cdc};
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [...tenantTables, 'tenants', 'users', 'sessions', 'tokens']) {
        await sql`drop trigger if exists ${sql.raw(`${table}_immutable_columns`)} on ${sql.table(table)}`.execute(db)
      }
      for (const table of tenantTables) {
        for (const name of ['context_guard', 'select', 'insert', 'update', 'delete']) {
          await sql`drop policy if exists ${sql.raw(`${table}_${name}`)} on ${sql.table(table)}`.execute(db)
        }
        await sql`alter table ${sql.table(table)} no force row level security, disable row level security`.execute(db)
      }
      await sql`drop schema app cascade`.execute(db)
    },
  }
}
