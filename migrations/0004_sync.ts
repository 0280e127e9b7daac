import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

/** Tables whose changes become activities (SPEC §8). */
export const syncedTables = ['tenants', 'organizations', 'memberships', 'inactive_memberships', 'pages', 'attachments'] as const

/**
 * The sync engine's database side: the `strata_pub` publication (created here, by the tables'
 * owner, since a publication needs ownership), full replica identity so updates carry the old
 * row (changed fields), and two SECURITY DEFINER readers that let the API's bus follow the
 * change log of every tenant without a bypass role.
 */
export function sync(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  const tables = sql.raw(syncedTables.join(', '))
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of syncedTables) await sql`alter table ${sql.table(table)} replica identity full`.execute(db)
      await sql`
        do $$ begin
          if not exists (select 1 from pg_publication where pubname = 'strata_pub') then
            create publication strata_pub for table ${tables};
          end if;
        end $$;

        create function app.activities_after(after_cursor text, max_rows integer) returns setof activities
          language sql stable security definer set search_path = pg_catalog, public
          as $$ select * from activities where id > after_cursor order by id limit max_rows $$;
        create function app.latest_activity_cursor() returns text
          language sql stable security definer set search_path = pg_catalog, public
          as $$ select coalesce(max(id), '') from activities $$;
        revoke all on function app.activities_after(text, integer), app.latest_activity_cursor() from public;
        grant execute on function app.activities_after(text, integer), app.latest_activity_cursor() to ${runtime};
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`
        drop function app.activities_after(text, integer);
        drop function app.latest_activity_cursor();
        drop publication if exists strata_pub;
      `.execute(db)
      for (const table of syncedTables) await sql`alter table ${sql.table(table)} replica identity default`.execute(db)
    },
  }
}
