import type { Kysely } from 'kysely'
import type { ApiToken, DB, User } from './schema.js'

/** The token found by its hashed secret, with its user and system role. */
export interface ApiTokenWithUser {
  token: ApiToken
  user: User
  isSystemAdmin: boolean
}

const tokenColumns = ['id', 'user_id', 'scope_tenant_id', 'name', 'expires_at', 'created_at', 'last_used_at'] as const

export async function createApiToken(db: Kysely<DB>, input: { secret: string; userId: string; name: string; tenantId: string | null; expiresAt: Date | null }): Promise<ApiToken> {
  return db.insertInto('api_tokens').values({
    secret: input.secret,
    user_id: input.userId,
    name: input.name,
    scope_tenant_id: input.tenantId,
    expires_at: input.expiresAt,
  }).returning(tokenColumns).executeTakeFirstOrThrow()
}

/** The user's tokens, newest first (never their secrets). */
export function listApiTokens(db: Kysely<DB>, userId: string): Promise<ApiToken[]> {
  return db.selectFrom('api_tokens').select(tokenColumns)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .execute()
}

export async function findApiTokenBySecret(db: Kysely<DB>, secret: string): Promise<ApiTokenWithUser | undefined> {
  const row = await db.selectFrom('api_tokens as t')
    .innerJoin('users', 'users.id', 't.user_id')
    .leftJoin('system_roles', 'system_roles.user_id', 'users.id')
    .selectAll('users')
    .select([
      't.id as token_id', 't.scope_tenant_id', 't.name as token_name', 't.expires_at as token_expires_at',
      't.created_at as token_created_at', 't.last_used_at', 'system_roles.role as system_role',
    ])
    .where('t.secret', '=', secret)
    .executeTakeFirst()
  if (!row) return undefined
  const { token_id, scope_tenant_id, token_name, token_expires_at, token_created_at, last_used_at, system_role, ...user } = row
  return {
    token: {
      id: token_id, user_id: user.id, scope_tenant_id, name: token_name, expires_at: token_expires_at,
      created_at: token_created_at, last_used_at,
    },
    user,
    isSystemAdmin: system_role === 'admin',
  }
}

export async function touchApiToken(db: Kysely<DB>, id: string, usedAt: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: usedAt }).where('id', '=', id).execute()
}

/** Revokes one of the user's tokens: its hashed secret (for the local cache), undefined when the user has no such token. */
export async function deleteApiToken(db: Kysely<DB>, userId: string, id: string): Promise<string | undefined> {
  const row = await db.deleteFrom('api_tokens').where('id', '=', id).where('user_id', '=', userId).returning('secret').executeTakeFirst()
  return row?.secret
}
