import { sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { ScopedDb } from './rls.js'
import type { Membership } from './schema.js'

/** An invitation the signed-in user may accept (user RLS context: their own only). */
export function findMyInvitation(trx: ScopedDb, id: string) {
  return trx.selectFrom('inactive_memberships').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Turns an invitation into a membership (user RLS context: the policy admits exactly the
 * invited role in the invited organization) and removes the invitation.
 */
export async function acceptInvitation(trx: ScopedDb, invitation: { id: string; tenant_id: string; organization_id: string; role: 'admin' | 'member'; created_by: string | null }, userId: string): Promise<Membership> {
  const membership = await trx.insertInto('memberships').values({
    id: uuid(), tenant_id: invitation.tenant_id, organization_id: invitation.organization_id, user_id: userId,
    role: invitation.role, created_by: invitation.created_by,
  }).onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'organization_id']).doNothing())
    .returningAll().executeTakeFirst()
  await trx.deleteFrom('inactive_memberships').where('id', '=', invitation.id).execute()
  if (membership) return membership
  // Already a member (e.g. invited twice): keep the existing membership.
  return trx.selectFrom('memberships').selectAll()
    .where('organization_id', '=', invitation.organization_id).where('user_id', '=', userId).executeTakeFirstOrThrow()
}

/** Binds the invitations of a token to the signed-in user; the number claimed (0 = invalid token). */
export async function claimInvitationToken(trx: ScopedDb, tokenSecret: string): Promise<number> {
  const { rows: [row] } = await sql<{ claimed: number }>`select app.claim_invitation_token(${tokenSecret}) as claimed`.execute(trx)
  return row?.claimed ?? 0
}

/** Locks the organization's admin memberships and returns their ids (last-admin rule). */
export async function lockAdmins(trx: ScopedDb, organizationId: string): Promise<string[]> {
  const rows = await trx.selectFrom('memberships').select('id')
    .where('organization_id', '=', organizationId).where('role', '=', 'admin')
    .forUpdate().execute()
  return rows.map((r) => r.id)
}
