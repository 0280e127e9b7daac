import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { countOf } from '../../db/count.js'
import type { Activity } from '../../db/schema.js'
import { isoTimestamp } from '../../lib/iso-timestamp.js'
import { errorSchema, guardErrors, listOf, timestamp } from '../../lib/schemas.js'

export const activitySchema = z.object({
  cursor: z.string(),
  action: z.enum(['create', 'update', 'delete']),
  entityType: z.string(),
  entityId: z.string(),
  tenantId: z.string(),
  organizationId: z.uuid().nullable(),
  seq: z.number().int().nullable(),
  changedFields: z.array(z.string()).nullable(),
  createdAt: timestamp,
}).meta({ id: 'Activity' })

const activityColumns = ['id', 'action', 'entity_type', 'entity_id', 'tenant_id', 'organization_id', 'seq', 'changed_fields', 'created_at'] as const

export const toActivityDto = (a: Pick<Activity, typeof activityColumns[number]>): z.infer<typeof activitySchema> => ({
  cursor: a.id, action: a.action, entityType: a.entity_type, entityId: a.entity_id, tenantId: a.tenant_id,
  organizationId: a.organization_id, seq: a.seq === null ? null : Number(a.seq), changedFields: a.changed_fields,
  createdAt: isoTimestamp(a.created_at),
})

/** The change log for system admins (SPEC §5), newest first unless `after` pages forward. */
const activityRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/activities', {
    config: { guards: ['auth', 'sysAdmin', 'crossTenant'] },
    schema: {
      tags: ['activities'],
      summary: 'The change log (system admins)',
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(40),
        offset: z.coerce.number().int().min(0).default(0),
        order: z.enum(['asc', 'desc']).default('desc'),
        tenantId: z.string().optional(),
        organizationId: z.uuid().optional(),
        entityType: z.string().max(50).optional(),
        after: z.string().max(64).optional(),
      }),
      response: { 200: listOf(activitySchema), 400: errorSchema, ...guardErrors },
    },
  }, async (request) => {
    const { limit, offset, order, tenantId, organizationId, entityType, after } = request.query
    let base = request.db.selectFrom('activities')
    if (tenantId) base = base.where('tenant_id', '=', tenantId)
    if (organizationId) base = base.where('organization_id', '=', organizationId)
    if (entityType) base = base.where('entity_type', '=', entityType)
    if (after) base = base.where('id', '>', after)
    // The columns of the DTO: row images and previous owners are not the runtime role's to read (migration 0021).
    const rows = await base.select(activityColumns).orderBy('id', order).limit(limit).offset(offset).execute()
    return { items: rows.map(toActivityDto), total: await countOf(base) }
  })
}

export default activityRoutes
