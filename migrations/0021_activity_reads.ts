import { type Kysely, sql } from 'kysely'
import { all, any, ctx, memberOf } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'

const safeSearchPath = sql.raw('set search_path = pg_catalog, public, pg_temp')

/** What the runtime role may read of the change log directly: everything but row images and previous owners. */
const readableColumns = ['id', 'tenant_id', 'organization_id', 'user_id', 'entity_type', 'entity_id', 'action', 'seq', 'changed_fields', 'created_at', 'left_public']

/**
 * The change log read directly (not through `app.activities_for`) follows the same rule as a
 * stream's replay (0018, SPEC §4.6): in a tenant context a member reads only the activities of rows
 * they may read (not another member's owner-only rows, not even their ids), through
 * `app.activity_visible`, the visibility of `app.row_for_reader` (false outside a tenant context,
 * where the policy does not use it). Row images (`row_data`) and previous owners (`left_owner`,
 * 0020) are not granted to the runtime role at all: the definer functions hand them out, each to
 * the context it is meant for.
 */
export function activityReads(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  const select = any(
    all(ctx.tenant, any('organization_id is null', memberOf('organization_id')), 'app.activity_visible(entity_type, organization_id, row_data)'),
    all(ctx.user, ctx.sysAdmin))
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create function app.activity_visible(kind text, org uuid, image jsonb) returns boolean
          language sql stable security definer ${safeSearchPath} as $$
          select (select app.in_tenant_context()) and (app.row_for_reader(kind, org, image)).visible $$;
        revoke all on function app.activity_visible(text, uuid, jsonb) from public;
        grant execute on function app.activity_visible(text, uuid, jsonb) to ${runtime};

        drop policy activities_select on activities;
        create policy activities_select on activities for select using (${sql.raw(select)});

        revoke select on activities from ${runtime};
        grant select (${sql.join(readableColumns.map((c) => sql.id(c)))}) on activities to ${runtime};
      `.execute(db)
    },
  }
}
