import { type Kysely, sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import { hashPassword } from '../lib/secrets.js'
import { createKysely, createPool } from './connection.js'
import type { DB } from './schema.js'
import { ensureTenant } from './tenants.js'
import { normalizeEmail } from './users.js'

/** Runs `work` over an administrator connection (the API's runtime role cannot grant system roles). */
async function withAdmin<T>(adminUrl: string, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  const db = createKysely<DB>(createPool({ url: adminUrl, max: 1, applicationName: 'strata-seed' }))
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}

/**
 * Makes `email` a system admin when no system admin exists yet (SEED_ADMIN_EMAIL/PASSWORD).
 * Returns true when it created one.
 */
export function seedSystemAdmin(adminUrl: string, email: string, password: string): Promise<boolean> {
  return withAdmin(adminUrl, async (db) => {
    const existing = await db.selectFrom('system_roles').select('user_id').where('role', '=', 'admin').executeTakeFirst()
    if (existing) return false
    const hash = await hashPassword(password)
    await db.transaction().execute(async (trx) => {
      // The operator names the address: it counts as verified.
      const user = await trx.insertInto('users').values({ id: uuid(), email: normalizeEmail(email), name: 'Administrator', email_verified_at: new Date() })
        .onConflict((oc) => oc.column('email').doUpdateSet({ updated_at: new Date(), email_verified_at: sql`coalesce(users.email_verified_at, now())` }))
        .returning('id').executeTakeFirstOrThrow()
      await trx.insertInto('passwords').values({ user_id: user.id, hash })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: new Date() })).execute()
      await trx.insertInto('system_roles').values({ user_id: user.id, role: 'admin' }).execute()
    })
    return true
  })
}

export const demoEmail = 'demo@strata.local'

/**
 * The embedded first-boot demo: a system admin who administers organization `demo` in tenant
 * `main`, with one published public page. Idempotent: returns false when the demo user exists.
 */
export function seedDemo(adminUrl: string, password: string): Promise<boolean> {
  return withAdmin(adminUrl, async (db) => {
    const exists = await db.selectFrom('users').select('id').where('email', '=', demoEmail).executeTakeFirst()
    if (exists) return false
    const hash = await hashPassword(password)
    await db.transaction().execute(async (trx) => {
      await ensureTenant(trx, 'main', 'Main')
      const userId = uuid()
      const orgId = uuid()
      await trx.insertInto('users').values({ id: userId, email: demoEmail, name: 'Demo Admin', email_verified_at: new Date() }).execute()
      await trx.insertInto('passwords').values({ user_id: userId, hash }).execute()
      await trx.insertInto('system_roles').values({ user_id: userId, role: 'admin' }).execute()
      await trx.insertInto('organizations').values({ id: orgId, tenant_id: 'main', name: 'Demo', slug: 'demo', created_by: userId }).execute()
      await trx.insertInto('memberships').values({ id: uuid(), tenant_id: 'main', organization_id: orgId, user_id: userId, role: 'admin', created_by: userId }).execute()
      await trx.insertInto('pages').values({
        id: uuid(), tenant_id: 'main', organization_id: orgId, title: 'Welcome to Strata', status: 'published',
        public_access: true, content: 'This page is public: GET /public/main/pages', created_by: userId,
      }).execute()
    })
    return true
  })
}
