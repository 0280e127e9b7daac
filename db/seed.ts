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

/** What `seedSystemAdmin` did. */
export type SeedAdminResult = 'created' | 'promoted' | 'unchanged'

/** The line `npm run seed` and the boot log print for each result. */
export const seedAdminMessages: Record<SeedAdminResult, (email: string) => string> = {
  created: (email) => `system admin ${email} created`,
  promoted: (email) => `existing account ${email} made a system admin (configured password set, its sessions and API tokens revoked)`,
  unchanged: (email) => `${email} is a system admin already; nothing changed`,
}

/**
 * Makes the configured account (SEED_ADMIN_EMAIL/PASSWORD) a system admin, whatever other admins
 * exist (the embedded demo account is one): created when missing; an existing account that is not
 * an admin yet gets the configured password and loses its sessions and API tokens (whoever signed
 * up with that address first must not become admin); an existing admin is left alone, so a
 * password changed since is kept.
 */
export function seedSystemAdmin(adminUrl: string, email: string, password: string): Promise<SeedAdminResult> {
  return withAdmin(adminUrl, (db) => db.transaction().execute(async (trx) => {
    const address = normalizeEmail(email)
    const existing = await trx.selectFrom('users').leftJoin('system_roles', (join) => join.onRef('system_roles.user_id', '=', 'users.id').on('system_roles.role', '=', 'admin'))
      .select(['users.id', 'system_roles.role']).where('users.email', '=', address).forUpdate('users').executeTakeFirst()
    if (existing?.role) return 'unchanged'
    const hash = await hashPassword(password)
    // The operator names the address: it counts as verified.
    const user = existing
      ? await trx.updateTable('users').set({ updated_at: new Date(), email_verified_at: sql`coalesce(email_verified_at, now())` })
        .where('id', '=', existing.id).returning('id').executeTakeFirstOrThrow()
      : await trx.insertInto('users').values({ id: uuid(), email: address, name: 'Administrator', email_verified_at: new Date() })
        // Another instance booting at the same moment may have just created it.
        .onConflict((oc) => oc.column('email').doUpdateSet({ updated_at: new Date() }))
        .returning('id').executeTakeFirstOrThrow()
    await trx.insertInto('passwords').values({ user_id: user.id, hash })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: new Date() })).execute()
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute()
    await trx.deleteFrom('api_tokens').where('user_id', '=', user.id).execute()
    await trx.insertInto('system_roles').values({ user_id: user.id, role: 'admin' }).onConflict((oc) => oc.doNothing()).execute()
    return existing ? 'promoted' : 'created'
  }))
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
