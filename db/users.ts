import type { Kysely } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { DB, User } from './schema.js'

type Db = Kysely<DB>

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

export function findUserByEmail(db: Db, email: string): Promise<(User & { hash: string | null }) | undefined> {
  return db.selectFrom('users')
    .leftJoin('passwords', 'passwords.user_id', 'users.id')
    .selectAll('users')
    .select('passwords.hash')
    .where('users.email', '=', normalizeEmail(email))
    .executeTakeFirst()
}

export async function createUserWithPassword(db: Db, input: { email: string; name?: string; hash: string }): Promise<User> {
  const user = await db.insertInto('users')
    .values({ id: uuid(), email: normalizeEmail(input.email), name: input.name ?? '' })
    .returningAll()
    .executeTakeFirstOrThrow()
  await db.insertInto('passwords').values({ user_id: user.id, hash: input.hash }).execute()
  return user
}

export function updateUser(db: Db, id: string, changes: { name?: string }): Promise<User> {
  return db.updateTable('users').set({ ...changes, updated_at: new Date() }).where('id', '=', id)
    .returningAll().executeTakeFirstOrThrow()
}

export async function isSystemAdmin(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('system_roles').select('role').where('user_id', '=', userId).executeTakeFirst()
  return row?.role === 'admin'
}
