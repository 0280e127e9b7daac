import { type Kysely, sql } from 'kysely'
import type { RoleNames } from '../db/role-names.js'

/**
 * Personal API tokens (issue 14): `Authorization: Bearer` for clients without a cookie jar.
 * Like sessions, the table keeps only the token's sha256 and is no tenant table in the RLS
 * sense (it is read before any context exists); the optional tenant scope is therefore named
 * `scope_tenant_id`, not `tenant_id`, which the catalog check reserves for RLS tables.
 *
 * Revocation reaches every instance as sessions' does (migration 0009): deleting a token that
 * could still be used (revoke, a deleted user or tenant, plain SQL) or shortening its expiry
 * notifies `api_token:<sha256>`, the key the guard cache uses.
 */
export function apiTokens(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table api_tokens (
          id uuid primary key default gen_random_uuid(),
          secret text not null unique,
          user_id uuid not null references users (id) on delete cascade,
          scope_tenant_id text references tenants (id) on delete cascade,
          name text not null check (length(name) between 1 and 200),
          expires_at timestamptz,
          created_at timestamptz not null default now(),
          last_used_at timestamptz
        );
        create index api_tokens_user_id_idx on api_tokens (user_id);

        -- Least privilege: tokens are created, read, revoked; only their last use changes.
        grant select, insert, delete on api_tokens to ${runtime};
        grant update (last_used_at) on api_tokens to ${runtime};

        create trigger api_tokens_revoked after delete on api_tokens
          for each row when (old.expires_at is null or old.expires_at > now())
          execute function app.notify_credential_revoked('api_token');
        create trigger api_tokens_shortened after update of expires_at on api_tokens
          for each row when (new.expires_at < old.expires_at or (old.expires_at is null and new.expires_at is not null))
          execute function app.notify_credential_revoked('api_token');
      `.execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table api_tokens`.execute(db)
    },
  }
}
