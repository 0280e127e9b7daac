import type { Kysely } from 'kysely'
import type { DB, MembershipRole, Tenant } from './schema.js'
import { withUserContext } from './rls.js'

export function findTenant(db: Kysely<DB>, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The single-tenant mode's one tenant, created at boot when missing. */
export async function ensureTenant(db: Kysely<DB>, id: string, name: string): Promise<void> {
  await db.insertInto('tenants').values({ id, name }).onConflict((oc) => oc.column('id').doNothing()).execute()
}

export interface UserMembership {
  id: string
  tenantId: string
  organizationId: string
  role: MembershipRole
}

/** Every membership of a user, across tenants (user RLS context). */
export function membershipsOfUser(db: Kysely<DB>, userId: string): Promise<UserMembership[]> {
  return withUserContext(db, userId, (trx) => trx.selectFrom('memberships')
    .select(['id', 'tenant_id as tenantId', 'organization_id as organizationId', 'role'])
    .where('user_id', '=', userId)
    .execute())
}
