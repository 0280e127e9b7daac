import type { Kysely } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { DB, User } from './schema.js'

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

export function findUserByEmail(db: Kysely<DB>, email: string): Promise<(User & { hash: string | null }) | undefined> {
  return db.selectFrom('users')
    .leftJoin('passwords', 'passwords.user_id', 'users.id')
    .selectAll('users')
    .select('passwords.hash')
    .where('users.email', '=', normalizeEmail(email))
    .executeTakeFirst()
}

export async function createUserWithPassword(db: Kysely<DB>, input: { email: string; name?: string; hash: string }): Promise<User> {
  const user = await db.insertInto('users')
    .values({ id: uuid(), email: normalizeEmail(input.email), name: input.name ?? '' })
    .returningAll()
    .executeTakeFirstOrThrow()
  await db.insertInto('passwords').values({ user_id: user.id, hash: input.hash }).execute()
  return user
}

export function updateUser(db: Kysely<DB>, id: string, changes: { name?: string }): Promise<User> {
  return db.updateTable('users').set({ ...changes, updated_at: new Date() }).where('id', '=', id)
    .returningAll().executeTakeFirstOrThrow()
}
