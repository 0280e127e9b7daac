import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

/**
 * Idempotency keys for mutations (SPEC §5) and the claim of invitation tokens at sign-up.
 */
export function idempotencyAndInvitations(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        -- One row per (user, key): reserved when the request starts, completed with its response.
        create table idempotency_keys (
          user_id uuid not null references users (id) on delete cascade,
          key text not null check (length(key) between 1 and 200),
          request_hash text not null,
          status_code integer,
          response jsonb,
          created_at timestamptz not null default now(),
          primary key (user_id, key)
        );
        create index idempotency_keys_created_at_idx on idempotency_keys (created_at);
        grant select, insert, update, delete on idempotency_keys to ${runtime};

        -- Binds the pending invitations of an invitation token to the signed-in user (user RLS
        -- context) when the token was sent to that user's email, and consumes the token. The
        -- invitee can then turn each into a membership under the user-context policies.
        create function app.claim_invitation_token(token_secret text) returns integer
          language plpgsql volatile security definer set search_path = pg_catalog, public as $$
        declare
          claimed integer;
          found_token uuid;
        begin
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
        revoke all on function app.claim_invitation_token(text) from public;
        grant execute on function app.claim_invitation_token(text) to ${runtime};
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop function app.claim_invitation_token(text); drop table idempotency_keys;`.execute(db)
    },
  }
}
