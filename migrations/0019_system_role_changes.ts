import { type Kysely, sql } from 'kysely'
import { invalidationChannel, userChangedPrefix } from '../sync/activity.js'

/**
 * A change of a user's system role reaches every API instance at once, as a session revocation
 * does (0009): granting or revoking it notifies `user:<id>`, and each instance forgets that user's
 * cached sessions, API tokens and memberships (their `isSystemAdmin` was read with them) and ends
 * the user's open streams, which were routed by the old status (the client reconnects with its
 * last id, under the new one). Whoever writes, in the writing transaction.
 */
export function systemRoleChanges() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create function app.notify_system_role_changed() returns trigger
          language plpgsql set search_path = pg_catalog, pg_temp as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') then
            perform pg_notify(${sql.lit(invalidationChannel)}, ${sql.lit(userChangedPrefix)} || old.user_id);
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            perform pg_notify(${sql.lit(invalidationChannel)}, ${sql.lit(userChangedPrefix)} || new.user_id);
          end if;
          return null;
        end $$;
        create trigger system_roles_changed after insert or update or delete on system_roles
          for each row execute function app.notify_system_role_changed();
      `.execute(db)
    },
  }
}
