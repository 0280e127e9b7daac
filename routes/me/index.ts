import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { updateUser } from '../../db/users.js'
import { errorSchema, guardErrors, listOf, timestamp, toUserDto, userSchema } from '../../lib/schemas.js'

const meResponse = z.object({ user: userSchema, systemRole: z.literal('admin').nullable() })

const myMembership = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  organizationId: z.uuid(),
  organizationName: z.string(),
  organizationSlug: z.string(),
  role: z.enum(['admin', 'member']),
  displayOrder: z.number().int(),
  archived: z.boolean(),
  muted: z.boolean(),
  createdAt: timestamp,
}).meta({ id: 'MyMembership' })

const myInvitation = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  organizationId: z.uuid(),
  role: z.enum(['admin', 'member']),
  createdAt: timestamp,
}).meta({ id: 'MyInvitation' })

const meRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/me', {
    config: { guards: ['auth'] },
    schema: { tags: ['me'], summary: 'The signed-in user', response: { 200: meResponse, 401: errorSchema } },
  }, async (request) => ({
    user: toUserDto(request.user!),
    systemRole: request.isSystemAdmin ? 'admin' as const : null,
  }))

  fastify.put('/me', {
    config: { guards: ['auth'] },
    schema: {
      tags: ['me'],
      summary: 'Update my profile',
      body: z.object({ name: z.string().trim().min(1).max(200) }).meta({ example: { name: 'Ada King' } }),
      response: { 200: z.object({ user: userSchema }), 400: errorSchema, 401: errorSchema },
    },
  }, async (request) => {
    const user = await updateUser(fastify.db, request.user!.id, request.body)
    fastify.lookups.forgetUser(user.id)
    return { user: toUserDto(user) }
  })

  fastify.get('/me/memberships', {
    config: { guards: ['auth', 'crossTenant'] },
    schema: {
      tags: ['me'],
      summary: 'My memberships in every tenant (a tenant-scoped API token: in its tenant)',
      response: { 200: z.object({ items: z.array(myMembership) }), ...guardErrors },
    },
  }, async (request) => {
    const rows = await request.db.selectFrom('memberships as m')
      .innerJoin('organizations as o', 'o.id', 'm.organization_id')
      .select(['m.id', 'm.tenant_id', 'm.organization_id', 'o.name', 'o.slug', 'm.role', 'm.display_order', 'm.archived', 'm.muted', 'm.created_at'])
      .where('m.user_id', '=', request.user!.id)
      .$if(request.tenantScope !== null, (q) => q.where('m.tenant_id', '=', request.tenantScope!))
      .orderBy('m.display_order').orderBy('m.created_at').orderBy('m.id')
      .execute()
    return {
      items: rows.map((r) => ({
        id: r.id, tenantId: r.tenant_id, organizationId: r.organization_id, organizationName: r.name,
        organizationSlug: r.slug, role: r.role, displayOrder: r.display_order, archived: r.archived,
        muted: r.muted, createdAt: r.created_at.toISOString(),
      })),
    }
  })

  fastify.get('/me/invitations', {
    config: { guards: ['auth', 'crossTenant'] },
    schema: { tags: ['me'], summary: 'My pending invitations (none until my email is verified; a tenant-scoped API token: in its tenant)', response: { 200: listOf(myInvitation), ...guardErrors } },
  }, async (request) => {
    const rows = await request.db.selectFrom('inactive_memberships')
      .select(['id', 'tenant_id', 'organization_id', 'role', 'created_at'])
      .where('user_id', '=', request.user!.id)
      .$if(request.tenantScope !== null, (q) => q.where('tenant_id', '=', request.tenantScope!))
      .orderBy('created_at').orderBy('id')
      .execute()
    return {
      items: rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, organizationId: r.organization_id, role: r.role, createdAt: r.created_at.toISOString() })),
      total: rows.length,
    }
  })
}

export default meRoutes
