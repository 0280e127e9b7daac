import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

/**
 * The user a membership or invitation activity concerns: streams route membership changes to
 * that member (SPEC §7), also after the row itself is gone.
 */
export function activitySubject(roles: RoleNames) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        alter table activities add column user_id uuid;
        create index activities_user_id_idx on activities (user_id, id) where user_id is not null;

        -- What one stream may replay (SPEC §7): its organizations' changes, its own memberships
        -- and invitations (everything for system admins), or one tenant's page changes (public).
        create function app.activities_for(after_cursor text, max_rows integer, org_ids uuid[], member uuid,
            public_tenant text, everything boolean) returns setof activities
          language sql stable security definer set search_path = pg_catalog, public as $$
          select * from activities where id > after_cursor and (
            everything
            or organization_id = any (org_ids)
            or (user_id = member and entity_type in ('membership', 'invitation'))
            or (tenant_id = public_tenant and entity_type = 'page'))
          order by id limit max_rows $$;
        revoke all on function app.activities_for(text, integer, uuid[], uuid, text, boolean) from public;
        grant execute on function app.activities_for(text, integer, uuid[], uuid, text, boolean) to ${sql.id(roles.runtime)};
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop function app.activities_for(text, integer, uuid[], uuid, text, boolean); alter table activities drop column user_id`.execute(db)
    },
  }
}
