import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'
import { invalidationChannel } from '../sync/activity.js'

/**
 * Session revocation reaches every API instance at once (issue 12, SPEC §9): deleting a session
 * that could still be used (sign-out, `db:maintenance`, plain SQL, a deleted user) or shortening
 * its expiry notifies the cache key every instance forgets (`session:<sha256>`, the same key the
 * guard cache uses). Whoever writes, in the writing transaction: no code path can forget it.
 * Already-expired rows are skipped, so bulk clean-ups do not flood the channel.
 */
export function sessionRevocation(_roles: RoleNames) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        -- One notice per revoked credential: the cache key is the trigger's argument (the kind of
        -- credential) and the row's secret hash, as the guard caches key them.
        create function app.notify_credential_revoked() returns trigger
          language plpgsql set search_path = pg_catalog, pg_temp as $$
        begin
          perform pg_notify(${sql.lit(invalidationChannel)}, tg_argv[0] || ':' || old.secret);
          return null;
        end $$;
        create trigger sessions_revoked after delete on sessions
          for each row when (old.expires_at > now()) execute function app.notify_credential_revoked('session');
        create trigger sessions_shortened after update of expires_at on sessions
          for each row when (new.expires_at < old.expires_at) execute function app.notify_credential_revoked('session');
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`
        drop trigger sessions_shortened on sessions;
        drop trigger sessions_revoked on sessions;
        drop function app.notify_credential_revoked();
      `.execute(db)
    },
  }
}
