import { z } from 'zod'
import type { InactiveMembership } from '../../db/schema.js'
import { examples } from '../../lib/examples.js'
import { emailSchema, membershipRole, membershipSchema, orgParams, paginationQuery, timestamp, userSchema } from '../../lib/schemas.js'

export const membershipParams = orgParams.extend({ id: z.uuid() })

export const inviteBody = z.object({
  emails: z.array(emailSchema).min(1).max(50),
  role: membershipRole,
}).meta({ example: { emails: [...examples.emails], role: 'member' } })

export const inviteResult = z.object({
  invitesSentCount: z.number().int(),
  /** Emails that got no invitation: already members, or already invited. */
  rejectedIds: z.array(z.string()),
})

export const updateMembershipBody = z.object({
  role: membershipRole.optional(),
  muted: z.boolean().optional(),
  archived: z.boolean().optional(),
  displayOrder: z.number().int().min(0).max(1_000_000).optional(),
}).refine((b) => Object.values(b).some((v) => v !== undefined), 'at least one field is required')
  .meta({ example: { role: 'admin' } })

export const memberSchema = userSchema.extend({ membership: membershipSchema }).meta({ id: 'Member' })

export const membersQuery = paginationQuery.extend({
  sort: z.enum(['name', 'email', 'role', 'createdAt', 'displayOrder']).default('name'),
  role: membershipRole.optional(),
})

export const pendingSchema = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  organizationId: z.uuid(),
  email: z.string(),
  userId: z.uuid().nullable(),
  role: membershipRole,
  createdBy: z.uuid().nullable(),
  createdAt: timestamp,
}).meta({ id: 'PendingInvitation' })

export function toPendingDto(i: InactiveMembership): z.infer<typeof pendingSchema> {
  return {
    id: i.id, tenantId: i.tenant_id, organizationId: i.organization_id, email: i.email, userId: i.user_id,
    role: i.role, createdBy: i.created_by, createdAt: i.created_at.toISOString(),
  }
}
