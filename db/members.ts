import { countOf } from './count.js'
import type { ScopedDb } from './rls.js'
import type { Membership, MembershipRole, User } from './schema.js'
import { containsPattern } from './search.js'

export interface Member {
  user: User
  membership: Membership
}

export interface MemberQuery {
  limit: number
  offset: number
  q?: string
  sort: 'name' | 'email' | 'role' | 'createdAt' | 'displayOrder'
  order: 'asc' | 'desc'
  role?: MembershipRole
  userId?: string
}

const sortColumns = {
  name: 'u.name', email: 'u.email', role: 'm.role', createdAt: 'm.created_at', displayOrder: 'm.display_order',
} as const

/** Members of an organization with their user, filtered, sorted (stable: ties by id) and paged. */
export async function listMembers(trx: ScopedDb, organizationId: string, query: MemberQuery): Promise<{ items: Member[]; total: number }> {
  let base = trx.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id')
    .where('m.organization_id', '=', organizationId)
  if (query.role) base = base.where('m.role', '=', query.role)
  if (query.userId) base = base.where('m.user_id', '=', query.userId)
  if (query.q) {
    const pattern = containsPattern(query.q)
    base = base.where((eb) => eb.or([eb('u.name', 'ilike', pattern), eb('u.email', 'ilike', pattern)]))
  }
  const rows = await base
    .select([
      'u.id as user_id', 'u.email', 'u.name', 'u.email_verified_at', 'u.created_at as user_created_at', 'u.updated_at as user_updated_at',
      'm.id', 'm.tenant_id', 'm.organization_id', 'm.role', 'm.display_order', 'm.archived', 'm.muted',
      'm.created_by', 'm.created_at', 'm.updated_at',
    ])
    .orderBy(sortColumns[query.sort], query.order).orderBy('m.id')
    .limit(query.limit).offset(query.offset)
    .execute()
  return {
    total: await countOf(base),
    items: rows.map((r) => ({
      user: { id: r.user_id, email: r.email, name: r.name, email_verified_at: r.email_verified_at, created_at: r.user_created_at, updated_at: r.user_updated_at },
      membership: {
        id: r.id, tenant_id: r.tenant_id, organization_id: r.organization_id, user_id: r.user_id, role: r.role,
        display_order: r.display_order, archived: r.archived, muted: r.muted, created_by: r.created_by,
        created_at: r.created_at, updated_at: r.updated_at,
      },
    })),
  }
}
