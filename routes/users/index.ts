import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { listMembers } from '../../db/members.js'
import { AppError } from '../../lib/errors.js'
import { errorOf, errorSchema, guardErrors, listOf, membershipRole, orgParams, toUserDto, userSchema } from '../../lib/schemas.js'
import { membersQuery } from '../memberships/schemas.js'

const orgUser = userSchema.extend({ role: membershipRole }).meta({ id: 'OrganizationUser' })

/** Users of an organization: its members, as people (SPEC §5). */
const userRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/:tenantId/:orgId/users', {
    config: { guards: ['auth', 'tenant', 'org'] },
    schema: {
      tags: ['users'],
      summary: 'Members of the organization',
      params: orgParams,
      querystring: membersQuery,
      response: { 200: listOf(orgUser), 400: errorSchema, ...guardErrors },
    },
  }, async (request) => {
    const { items, total } = await listMembers(request.db, request.organization!.id, request.query)
    return { items: items.map(({ user, membership }) => ({ ...toUserDto(user), role: membership.role })), total }
  })

  fastify.get('/:tenantId/:orgId/users/:userId', {
    config: { guards: ['auth', 'tenant', 'org'] },
    schema: {
      tags: ['users'],
      summary: 'One member of the organization',
      params: orgParams.extend({ userId: z.uuid() }),
      response: { 200: orgUser, ...guardErrors, 404: errorOf('user_not_found') },
    },
  }, async (request) => {
    const { items: [member] } = await listMembers(request.db, request.organization!.id, {
      limit: 1, offset: 0, sort: 'name', order: 'asc', userId: request.params.userId,
    })
    if (!member) throw new AppError(404, 'user_not_found', 'info', { entityType: 'user' })
    return { ...toUserDto(member.user), role: member.membership.role }
  })
}

export default userRoutes
