import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

/**
 * Email verification (SPEC §5, issue 12.6). Invitations are matched to accounts by email, so an
 * account whose address is unproven must not see or accept them: otherwise whoever signs up
 * first with someone's address receives their invitations. The database enforces it for the
 * user context (the one invitees act in), not only the routes.
 */
export function emailVerification(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  const cdc = sql.id(roles.cdc)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        alter table users add column email_verified_at timestamptz;

        -- Whether the context's user has proven their address. Schema-qualified, with pg_temp
        -- last: a caller's temporary "users" table cannot answer for it.
        create function app.email_verified() returns boolean language sql stable
          set search_path = pg_catalog, pg_temp
          as $$ select exists (select 1 from public.users
                where id = app.user_uuid() and email_verified_at is not null) $$;
        revoke all on function app.email_verified() from public;
        grant execute on function app.email_verified() to ${runtime}, ${cdc};

        -- Invitations exist for an unverified invitee (the inviter cannot know), but in the user
        -- context they are invisible and untouchable until the address is verified.
        create policy inactive_memberships_verified_invitee on inactive_memberships as restrictive for all
          using ((not (select app.in_user_context())) or (select app.email_verified()))
          with check ((not (select app.in_user_context())) or (select app.email_verified()));

        -- Accepting one (the only membership a user context may insert) needs a verified address too.
        create policy memberships_verified_invitee on memberships as restrictive for insert
          with check ((not (select app.in_user_context())) or (select app.email_verified()));
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`
        drop policy memberships_verified_invitee on memberships;
        drop policy inactive_memberships_verified_invitee on inactive_memberships;
        drop function app.email_verified();
        alter table users drop column email_verified_at;
      `.execute(db)
    },
  }
}
