import { randomInt } from 'node:crypto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { countOf } from '../../db/count.js'
import type { Tenant } from '../../db/schema.js'
import { containsPattern } from '../../db/search.js'
import { AppError } from '../../lib/errors.js'
import { examples } from '../../lib/examples.js'
import { errorOf, errorSchema, guardErrors, listOf, paginationQuery, tenantIdSchema, timestamp } from '../../lib/schemas.js'
import { tenantNotFound } from '../../plugins/app/tenancy.js'

const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended', 'archived']),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'Tenant', example: examples.tenant })

const toTenantDto = (t: Tenant): z.infer<typeof tenantSchema> => ({
  id: t.id, name: t.name, status: t.status, createdAt: t.created_at.toISOString(), updatedAt: t.updated_at.toISOString(),
})

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
const newTenantId = () => Array.from({ length: 6 }, () => alphabet[randomInt(alphabet.length)]).join('')

const tenantParams = z.object({ tenantId: tenantIdSchema })
const sysAdmin = { guards: ['auth', 'sysAdmin'] as ['auth', 'sysAdmin'] }

/** Tenant management for system admins; multi-tenant mode only (SPEC §5). */
const tenantRoutes: FastifyPluginAsyncZod = async (fastify) => {
  if (fastify.config.tenancy !== 'multi') return

  fastify.get('/tenants', {
    config: sysAdmin,
    schema: {
      tags: ['tenants'],
      summary: 'List tenants',
      querystring: paginationQuery.extend({ sort: z.enum(['name', 'createdAt']).default('createdAt') }),
      response: { 200: listOf(tenantSchema), ...guardErrors },
    },
  }, async (request) => {
    const { limit, offset, q, sort, order } = request.query
    let query = fastify.db.selectFrom('tenants')
    if (q) query = query.where((eb) => eb.or([eb('name', 'ilike', containsPattern(q)), eb('id', '=', q)]))
    const [items, total] = await Promise.all([
      query.selectAll().orderBy(sort === 'name' ? 'name' : 'created_at', order).orderBy('id').limit(limit).offset(offset).execute(),
      countOf(query),
    ])
    return { items: items.map(toTenantDto), total }
  })

  fastify.post('/tenants', {
    config: sysAdmin,
    schema: {
      tags: ['tenants'],
      summary: 'Create a tenant',
      body: z.object({ name: z.string().trim().min(1).max(200) }).meta({ example: { name: examples.tenant.name } }),
      response: { 201: tenantSchema, 400: errorSchema, 409: errorOf('conflict_retry'), ...guardErrors },
    },
  }, async (request, reply) => {
    // 36^6 ids: retry the rare collision rather than fail.
    for (let attempt = 0; ; attempt++) {
      const tenant = await fastify.db.insertInto('tenants').values({ id: newTenantId(), name: request.body.name })
        .onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst()
      if (tenant) {
        reply.code(201)
        return toTenantDto(tenant)
      }
      if (attempt >= 5) throw new AppError(409, 'conflict_retry', 'warn', { message: 'Could not allocate a tenant id' })
    }
  })

  fastify.get('/tenants/:tenantId', {
    config: sysAdmin,
    schema: { tags: ['tenants'], summary: 'Read a tenant', params: tenantParams, response: { 200: tenantSchema, ...guardErrors, 404: errorOf('tenant_not_found') } },
  }, async (request) => {
    const tenant = await fastify.db.selectFrom('tenants').selectAll().where('id', '=', request.params.tenantId).executeTakeFirst()
    if (!tenant) throw tenantNotFound()
    return toTenantDto(tenant)
  })

  fastify.patch('/tenants/:tenantId', {
    config: sysAdmin,
    schema: {
      tags: ['tenants'],
      summary: 'Rename, suspend or reactivate a tenant',
      params: tenantParams,
      body: z.object({ name: z.string().trim().min(1).max(200).optional(), status: z.enum(['active', 'suspended', 'archived']).optional() })
        .refine((b) => b.name !== undefined || b.status !== undefined, 'name or status is required')
        .meta({ example: { status: 'suspended' } }),
      response: { 200: tenantSchema, 400: errorSchema, ...guardErrors, 404: errorOf('tenant_not_found') },
    },
  }, async (request) => {
    const tenant = await fastify.db.updateTable('tenants').set({ ...request.body, updated_at: new Date() })
      .where('id', '=', request.params.tenantId).returningAll().executeTakeFirst()
    if (!tenant) throw tenantNotFound()
    fastify.lookups.tenants.delete(tenant.id)
    return toTenantDto(tenant)
  })

  fastify.delete('/tenants/:tenantId', {
    config: sysAdmin,
    schema: { tags: ['tenants'], summary: 'Archive a tenant (data is kept)', params: tenantParams, response: { 200: tenantSchema, ...guardErrors, 404: errorOf('tenant_not_found') } },
  }, async (request) => {
    const tenant = await fastify.db.updateTable('tenants').set({ status: 'archived', updated_at: new Date() })
      .where('id', '=', request.params.tenantId).returningAll().executeTakeFirst()
    if (!tenant) throw tenantNotFound()
    fastify.lookups.tenants.delete(tenant.id)
    return toTenantDto(tenant)
  })
}

export default tenantRoutes
