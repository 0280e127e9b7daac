import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { v7 as uuid } from 'uuid'
import { AppError } from '../../lib/errors.js'
import { getAllowedActions, getAllowedActionsBatch, type Subject } from '../../lib/permissions.js'
import { batchResult, errorOf, errorSchema, guardErrors, idsBody, listOf, toMembershipDto } from '../../lib/schemas.js'
import { createOrganizationBody, organizationSchema, organizationWithMembership, toOrganizationDto, updateOrganizationBody } from './schemas.js'

const tenantParams = z.object({ tenantId: z.string() })
const orgRef = (o: { id: string }) => ({ entityType: 'organization' as const, organizationId: o.id })

const organizationRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.post('/:tenantId/organizations', {
    config: { guards: ['auth', 'tenant'] },
    schema: {
      tags: ['organizations'],
      summary: 'Create an organization; the creator becomes its admin',
      params: tenantParams,
      body: createOrganizationBody,
      response: { 201: organizationWithMembership, 400: errorSchema, 409: errorOf('resource_already_exists'), ...guardErrors },
    },
  }, async (request, reply) => {
    const userId = request.user!.id
    const tenantId = request.tenant!.id
    const organization = await request.db.insertInto('organizations')
      .values({ id: uuid(), tenant_id: tenantId, name: request.body.name, slug: request.body.slug, created_by: userId })
      .returningAll().executeTakeFirstOrThrow()
    const membership = await request.db.insertInto('memberships')
      .values({ id: uuid(), tenant_id: tenantId, organization_id: organization.id, user_id: userId, role: 'admin', created_by: userId })
      .returningAll().executeTakeFirstOrThrow()
    request.afterCommit(async () => fastify.lookups.forgetMemberships([userId]))
    const subject: Subject = { ...request.subject!, memberships: [{ organizationId: organization.id, role: 'admin' }] }
    const can = getAllowedActions(subject, orgRef(organization))
    reply.code(201)
    return {
      ...toOrganizationDto(organization, can),
      membership: toMembershipDto(membership, getAllowedActions(subject, { entityType: 'membership', organizationId: organization.id, ownerId: userId })),
    }
  })

  fastify.get('/organizations', {
    config: { guards: ['auth', 'crossTenant'] },
    schema: {
      tags: ['organizations'],
      summary: 'My organizations in every tenant (a tenant-scoped API token: in its tenant)',
      response: { 200: listOf(organizationSchema), ...guardErrors },
    },
  }, async (request) => {
    const userId = request.user!.id
    const rows = await request.db.selectFrom('organizations as o')
      .innerJoin('memberships as m', (join) => join.onRef('m.organization_id', '=', 'o.id').on('m.user_id', '=', userId))
      .$if(request.tenantScope !== null, (q) => q.where('o.tenant_id', '=', request.tenantScope!))
      .selectAll('o').select('m.role')
      .orderBy('m.display_order').orderBy('o.name').orderBy('o.id')
      .execute()
    const subject: Subject = {
      userId, isSystemAdmin: request.isSystemAdmin, memberships: rows.map((r) => ({ organizationId: r.id, role: r.role })),
    }
    const cans = getAllowedActionsBatch(subject, rows.map(orgRef))
    return { items: rows.map((r, i) => toOrganizationDto(r, cans[i]!)), total: rows.length }
  })

  fastify.get('/:tenantId/organizations/:idOrSlug', {
    config: { guards: ['auth', 'tenant', 'org'] },
    schema: {
      tags: ['organizations'],
      summary: 'An organization by id or slug, with my membership and what I can do',
      params: z.object({ tenantId: z.string(), idOrSlug: z.string() }),
      response: { 200: organizationWithMembership, ...guardErrors },
    },
  }, async (request) => {
    const organization = request.organization!
    const subject = request.subject!
    const membership = request.membership
      ? await request.db.selectFrom('memberships').selectAll().where('id', '=', request.membership.id).executeTakeFirst()
      : undefined
    return {
      ...toOrganizationDto(organization, getAllowedActions(subject, orgRef(organization))),
      membership: membership
        ? toMembershipDto(membership, getAllowedActions(subject, { entityType: 'membership', organizationId: organization.id, ownerId: membership.user_id }))
        : null,
    }
  })

  // The contract's path, and the shorter one earlier releases served (kept as an alias, hidden
  // from the OpenAPI document).
  for (const [url, hide] of [['/:tenantId/organizations/:orgId', false], ['/:tenantId/:orgId', true]] as const) {
    fastify.put(url, {
      config: { guards: ['auth', 'tenant', 'org'] },
      schema: {
        hide,
        tags: ['organizations'],
        summary: 'Update an organization (admins)',
        params: z.object({ tenantId: z.string(), orgId: z.string() }),
        body: updateOrganizationBody,
        response: { 200: organizationSchema, 400: errorSchema, 409: errorOf('resource_already_exists'), ...guardErrors },
      },
    }, async (request) => {
      const organization = request.organization!
      const subject = request.subject!
      if (!getAllowedActions(subject, orgRef(organization)).update) {
        throw new AppError(403, 'forbidden', 'warn', { message: 'Only organization admins can update it', entityType: 'organization' })
      }
      const updated = await request.db.updateTable('organizations').set({ ...request.body, updated_at: new Date() })
        .where('id', '=', organization.id).returningAll().executeTakeFirstOrThrow()
      request.afterCommit(async () => fastify.lookups.organizations.invalidateWhere((o) => o.id === organization.id))
      return toOrganizationDto(updated, getAllowedActions(subject, orgRef(updated)))
    })
  }

  fastify.delete('/:tenantId/organizations', {
    config: { guards: ['auth', 'tenant'] },
    schema: {
      tags: ['organizations'],
      summary: 'Delete organizations (admins); ids I may not delete are returned in rejectedIds',
      params: tenantParams,
      body: idsBody,
      response: { 200: batchResult(z.object({ id: z.uuid() })), 400: errorSchema, ...guardErrors },
    },
  }, async (request) => {
    const subject = request.subject!
    const allowed = request.body.ids.filter((id) => getAllowedActions(subject, { entityType: 'organization', organizationId: id }).delete)
    const deleted = allowed.length
      ? await request.db.deleteFrom('organizations').where('tenant_id', '=', request.tenant!.id).where('id', 'in', allowed)
        .returning('id').execute()
      : []
    const done = new Set(deleted.map((d) => d.id))
    request.afterCommit(async () => {
      fastify.lookups.organizations.invalidateWhere((o) => done.has(o.id))
      fastify.lookups.forgetMemberships('all')
    })
    return { data: deleted, rejectedIds: request.body.ids.filter((id) => !done.has(id)) }
  })
}

export default organizationRoutes
