import { type Kysely, sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import { randomToken, sha256 } from '../lib/secrets.js'
import type { DB, User } from './schema.js'

/** How long a verification link works. */
const verificationTtlMs = 24 * 60 * 60 * 1000

/**
 * A new verification token for the user's address; only its sha256 is stored. Earlier unused
 * tokens of the user are dropped, so only the latest mail's link works.
 */
export async function issueVerificationToken(db: Kysely<DB>, user: { id: string; email: string }): Promise<string> {
  const token = randomToken()
  await db.deleteFrom('tokens')
    .where('user_id', '=', user.id).where('type', '=', 'email_verification').where('consumed_at', 'is', null)
    .execute()
  await db.insertInto('tokens').values({
    id: uuid(), secret: sha256(token), type: 'email_verification', email: user.email, user_id: user.id,
    expires_at: new Date(Date.now() + verificationTtlMs),
  }).execute()
  return token
}

export type VerificationOutcome =
  | { verified: User }
  | { refused: 'invalid' | 'expired' | 'used' }

/**
 * Consumes a verification token (run it in a transaction: the token row is locked) and marks its
 * user's address verified — only while the account still has the address the mail went to.
 */
export async function consumeVerificationToken(db: Kysely<DB>, token: string): Promise<VerificationOutcome> {
  const row = await db.selectFrom('tokens')
    .select(['id', 'user_id', 'email', 'consumed_at', sql<boolean>`expires_at <= now()`.as('expired')])
    .where('secret', '=', sha256(token)).where('type', '=', 'email_verification')
    .forUpdate()
    .executeTakeFirst()
  if (!row?.user_id) return { refused: 'invalid' }
  if (row.consumed_at) return { refused: 'used' }
  if (row.expired) return { refused: 'expired' }
  await db.updateTable('tokens').set({ consumed_at: new Date() }).where('id', '=', row.id).execute()
  const user = await markEmailVerified(db, row.user_id, row.email)
  return user ? { verified: user } : { refused: 'invalid' }
}

/** Records that the user proved `email` (kept when already verified); undefined if it is no longer theirs. */
export function markEmailVerified(db: Kysely<DB>, userId: string, email: string): Promise<User | undefined> {
  return db.updateTable('users')
    .set({ email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: new Date() })
    .where('id', '=', userId).where('email', '=', email)
    .returningAll().executeTakeFirst()
}
