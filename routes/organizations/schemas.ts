import { z } from 'zod'
import type { Organization } from '../../db/schema.js'
import { examples } from '../../lib/examples.js'
import { canSchema, membershipSchema, timestamp } from '../../lib/schemas.js'

export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2 to 63 characters')

export const organizationSchema = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  name: z.string(),
  slug: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  can: canSchema,
}).meta({ id: 'Organization', example: examples.organization })

export const organizationWithMembership = organizationSchema.extend({
  membership: membershipSchema.nullable(),
}).meta({ id: 'OrganizationWithMembership' })

export const createOrganizationBody = z.object({
  name: z.string().trim().min(1).max(200),
  slug: slugSchema,
}).meta({ example: { name: examples.organization.name, slug: examples.organization.slug } })

export const updateOrganizationBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  slug: slugSchema.optional(),
}).refine((b) => b.name !== undefined || b.slug !== undefined, 'name or slug is required')
  .meta({ example: { name: 'Research & Development' } })

export function toOrganizationDto(o: Organization, can: z.infer<typeof canSchema>): z.infer<typeof organizationSchema> {
  return {
    id: o.id, tenantId: o.tenant_id, name: o.name, slug: o.slug, createdBy: o.created_by,
    createdAt: o.created_at.toISOString(), updatedAt: o.updated_at.toISOString(), can,
  }
}
