import type { Kysely } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { DB, Session, User } from './schema.js'

/** The session found by its hashed secret, with its user and system role. */
export interface SessionWithUser {
  session: Session
  user: User
  isSystemAdmin: boolean
}

export async function createSession(db: Kysely<DB>, input: { secret: string; userId: string; expiresAt: Date; userAgent?: string; ip?: string }): Promise<Session> {
  const { secret: _secret, ...session } = await db.insertInto('sessions').values({
    id: uuid(),
    secret: input.secret,
    user_id: input.userId,
    expires_at: input.expiresAt,
    user_agent: input.userAgent?.slice(0, 500) ?? null,
    ip: input.ip ?? null,
  }).returningAll().executeTakeFirstOrThrow()
  return session
}

export async function findSessionBySecret(db: Kysely<DB>, secret: string): Promise<SessionWithUser | undefined> {
  const row = await db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('system_roles', 'system_roles.user_id', 'users.id')
    .select([
      'sessions.id as session_id', 'sessions.user_id', 'sessions.expires_at', 'sessions.user_agent',
      'sessions.ip', 'sessions.created_at as session_created_at',
      'users.email', 'users.name', 'users.email_verified_at', 'users.created_at', 'users.updated_at', 'system_roles.role as system_role',
    ])
    .where('sessions.secret', '=', secret)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    session: {
      id: row.session_id, user_id: row.user_id, expires_at: row.expires_at, user_agent: row.user_agent,
      ip: row.ip, created_at: row.session_created_at,
    },
    user: { id: row.user_id, email: row.email, name: row.name, email_verified_at: row.email_verified_at, created_at: row.created_at, updated_at: row.updated_at },
    isSystemAdmin: row.system_role === 'admin',
  }
}

export async function extendSession(db: Kysely<DB>, id: string, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute()
}

export async function deleteSession(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute()
}
