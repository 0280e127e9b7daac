import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { v7 as uuid } from 'uuid'
import { z } from 'zod'
import { countOf } from '../../db/count.js'
import { acceptInvitation, findMyInvitation, lockAdmins } from '../../db/invitations.js'
import { listMembers } from '../../db/members.js'
import type { ScopedDb } from '../../db/rls.js'
import { normalizeEmail } from '../../db/users.js'
import { AppError } from '../../lib/errors.js'
import { invitationMail, memberAddedMail } from '../../lib/mail-templates.js'
import { type Subject, getAllowedActions } from '../../lib/permissions.js'
import { batchResult, errorOf, errorSchema, guardErrors, idsBody, listOf, membershipSchema, orgParams, paginationQuery, toMembershipDto, toUserDto } from '../../lib/schemas.js'
import { randomToken, sha256 } from '../../lib/secrets.js'
import { inviteBody, inviteResult, memberSchema, membersQuery, membershipParams, pendingSchema, toPendingDto, updateMembershipBody } from './schemas.js'
import { containsPattern } from '../../db/search.js'

const invitationTtlMs = 7 * 24 * 60 * 60 * 1000
const membershipRef = (organizationId: string, ownerId: string) => ({ entityType: 'membership' as const, organizationId, ownerId })
const lastAdmin = () => new AppError(409, 'last_admin', 'warn', { message: 'An organization keeps at least one admin', entityType: 'membership' })
const canOf = (subject: Subject, m: { organization_id: string; user_id: string }) =>
  getAllowedActions(subject, membershipRef(m.organization_id, m.user_id))

/**
 * The answer when the invitee finds no such invitation: an unverified address sees none (the
 * database hides them), which deserves its own answer; otherwise there is none.
 */
async function invitationNotFound(trx: ScopedDb, userId: string): Promise<AppError> {
  const { email_verified_at } = await trx.selectFrom('users').select('email_verified_at').where('id', '=', userId).executeTakeFirstOrThrow()
  return email_verified_at
    ? new AppError(404, 'invitation_not_found', 'info', { entityType: 'membership' })
    : new AppError(403, 'email_not_verified', 'info', { message: 'Verify your email to answer invitations sent to it', entityType: 'membership' })
}

const membershipRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const appUrl = fastify.config.appUrl ?? 'http://localhost:3000'
  const orgGuards = { guards: ['auth', 'tenant', 'org'] as ['auth', 'tenant', 'org'] }

  fastify.post('/:tenantId/:orgId/memberships', {
    config: orgGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Invite people by email (admins): existing users get a pending invitation, others an invitation token',
      params: orgParams,
      body: inviteBody,
      operationId: 'inviteMembers',
      response: { 200: inviteResult, 400: errorSchema, ...guardErrors },
    },
  }, async (request) => {
    const organization = request.organization!
    if (!getAllowedActions(request.subject!, { entityType: 'membership', organizationId: organization.id }).create) {
      throw new AppError(403, 'forbidden', 'warn', { message: 'Only organization admins can invite', entityType: 'membership' })
    }
    const inviter = request.user!
    const emails = [...new Set(request.body.emails.map(normalizeEmail))]
    const users = await request.db.selectFrom('users').select(['id', 'email']).where('email', 'in', emails).execute()
    const userByEmail = new Map(users.map((u) => [u.email, u.id]))
    const members = new Set((await request.db.selectFrom('memberships').select('user_id')
      .where('organization_id', '=', organization.id).execute()).map((m) => m.user_id))
    const pending = new Set((await request.db.selectFrom('inactive_memberships').select('email')
      .where('organization_id', '=', organization.id).execute()).map((p) => p.email))

    const rejectedIds: string[] = []
    const mails: Parameters<typeof invitationMail>[0][] = []
    for (const email of emails) {
      const userId = userByEmail.get(email)
      if ((userId && members.has(userId)) || pending.has(email)) {
        rejectedIds.push(email)
        continue
      }
      let tokenId: string | null = null
      let signUpUrl: string | undefined
      if (!userId) {
        const token = randomToken()
        tokenId = uuid()
        await request.db.insertInto('tokens').values({
          id: tokenId, secret: sha256(token), type: 'invitation', email, expires_at: new Date(Date.now() + invitationTtlMs),
        }).execute()
        signUpUrl = `${appUrl}/auth/sign-up?inviteToken=${encodeURIComponent(token)}&email=${encodeURIComponent(email)}`
      }
      await request.db.insertInto('inactive_memberships').values({
        id: uuid(), tenant_id: organization.tenant_id, organization_id: organization.id, email,
        user_id: userId ?? null, token_id: tokenId, role: request.body.role, created_by: inviter.id,
      }).execute()
      mails.push({
        to: email, organizationName: organization.name, inviterName: inviter.name || inviter.email, role: request.body.role,
        signUpUrl, acceptUrl: userId ? `${appUrl}/me/invitations` : undefined,
      })
    }
    // Mail leaves only once the invitations are committed.
    request.afterCommit(async () => { for (const mail of mails) await fastify.mailer.send(invitationMail(mail)) })
    return { invitesSentCount: mails.length, rejectedIds }
  })

  fastify.get('/:tenantId/:orgId/memberships/members', {
    config: orgGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Members of the organization with their membership',
      params: orgParams,
      querystring: membersQuery,
      operationId: 'listMembers',
      response: { 200: listOf(memberSchema), 400: errorSchema, ...guardErrors },
    },
  }, async (request) => {
    const { items, total } = await listMembers(request.db, request.organization!.id, request.query)
    return {
      total,
      items: items.map(({ user, membership }) => ({ ...toUserDto(user), membership: toMembershipDto(membership, canOf(request.subject!, membership)) })),
    }
  })

  fastify.get('/:tenantId/:orgId/memberships/pending', {
    config: orgGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Pending invitations of the organization',
      params: orgParams,
      querystring: paginationQuery,
      operationId: 'listPendingInvitations',
      response: { 200: listOf(pendingSchema), 400: errorSchema, ...guardErrors },
    },
  }, async (request) => {
    const { limit, offset, q, order } = request.query
    let base = request.db.selectFrom('inactive_memberships').where('organization_id', '=', request.organization!.id)
    if (q) base = base.where('email', 'ilike', containsPattern(q))
    const rows = await base.selectAll().orderBy('created_at', order).orderBy('id').limit(limit).offset(offset).execute()
    return { items: rows.map(toPendingDto), total: await countOf(base) }
  })

  fastify.put('/:tenantId/:orgId/memberships/:id', {
    config: orgGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Change a role (admins) or my own muted/archived/displayOrder',
      params: membershipParams,
      body: updateMembershipBody,
      response: { 200: membershipSchema, 400: errorSchema, ...guardErrors, 404: errorOf('membership_not_found'), 409: errorOf('last_admin') },
    },
  }, async (request) => {
    const organization = request.organization!
    const subject = request.subject!
    const target = await request.db.selectFrom('memberships').selectAll()
      .where('id', '=', request.params.id).where('organization_id', '=', organization.id).executeTakeFirst()
    if (!target) throw new AppError(404, 'membership_not_found', 'info', { entityType: 'membership' })
    const isAdmin = getAllowedActions(subject, { entityType: 'organization', organizationId: organization.id }).update
    const { role, ...own } = request.body
    if (!canOf(subject, target).update || (role !== undefined && role !== target.role && !isAdmin)) {
      throw new AppError(403, 'forbidden', 'warn', { message: 'Only admins change roles or others\' memberships', entityType: 'membership' })
    }
    if (target.role === 'admin' && role === 'member') {
      const admins = await lockAdmins(request.db, organization.id)
      if (admins.length <= 1) throw lastAdmin()
    }
    const updated = await request.db.updateTable('memberships')
      .set({
        ...(role !== undefined ? { role } : {}),
        ...(own.muted !== undefined ? { muted: own.muted } : {}),
        ...(own.archived !== undefined ? { archived: own.archived } : {}),
        ...(own.displayOrder !== undefined ? { display_order: own.displayOrder } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', target.id).returningAll().executeTakeFirstOrThrow()
    request.afterCommit(async () => fastify.lookups.forgetMemberships([target.user_id]))
    return toMembershipDto(updated, canOf(subject, updated))
  })

  fastify.delete('/:tenantId/:orgId/memberships', {
    config: orgGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Remove memberships (admins; members may leave)',
      params: orgParams,
      body: idsBody,
      response: { 200: batchResult(z.object({ id: z.uuid() })), 400: errorSchema, 409: errorOf('last_admin'), ...guardErrors },
    },
  }, async (request) => {
    const organization = request.organization!
    const subject = request.subject!
    const targets = await request.db.selectFrom('memberships').select(['id', 'user_id', 'organization_id', 'role'])
      .where('organization_id', '=', organization.id).where('id', 'in', request.body.ids).execute()
    const allowed = targets.filter((m) => canOf(subject, m).delete)
    if (allowed.some((m) => m.role === 'admin')) {
      const admins = await lockAdmins(request.db, organization.id)
      const removing = new Set(allowed.map((m) => m.id))
      if (admins.every((id) => removing.has(id))) throw lastAdmin()
    }
    const deleted = allowed.length
      ? await request.db.deleteFrom('memberships').where('id', 'in', allowed.map((m) => m.id)).returning('id').execute()
      : []
    const done = new Set(deleted.map((d) => d.id))
    request.afterCommit(async () => fastify.lookups.forgetMemberships(allowed.filter((m) => done.has(m.id)).map((m) => m.user_id)))
    return { data: deleted, rejectedIds: request.body.ids.filter((id) => !done.has(id)) }
  })

  const invitationGuards = { guards: ['auth', 'crossTenant'] as ['auth', 'crossTenant'] }
  const invitationParams = z.object({ tenantId: z.string(), orgId: z.uuid(), id: z.uuid() })

  fastify.post('/:tenantId/:orgId/memberships/:id/accept', {
    config: invitationGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Accept my pending invitation (the invitee only, with a verified email)',
      params: invitationParams,
      response: { 200: membershipSchema, ...guardErrors, 403: errorOf('email_not_verified'), 404: errorOf('invitation_not_found') },
    },
  }, async (request) => {
    const user = request.user!
    const invitation = await findMyInvitation(request.db, request.params.id)
    if (!invitation || invitation.tenant_id !== request.params.tenantId || invitation.organization_id !== request.params.orgId) {
      throw await invitationNotFound(request.db, user.id)
    }
    const membership = await acceptInvitation(request.db, invitation, user.id)
    request.afterCommit(async () => fastify.lookups.forgetMemberships([user.id]))
    const inviter = invitation.created_by
      ? await request.db.selectFrom('users').select('email').where('id', '=', invitation.created_by).executeTakeFirst()
      : undefined
    const orgName = await request.db.selectFrom('organizations').select('name').where('id', '=', membership.organization_id).executeTakeFirst()
    if (inviter) {
      request.afterCommit(() => fastify.mailer.send(memberAddedMail({ to: inviter.email, organizationName: orgName?.name ?? 'your organization', memberEmail: user.email })))
    }
    const subject: Subject = { userId: user.id, isSystemAdmin: request.isSystemAdmin, memberships: [{ organizationId: membership.organization_id, role: membership.role }] }
    return toMembershipDto(membership, canOf(subject, membership))
  })

  fastify.post('/:tenantId/:orgId/memberships/:id/reject', {
    config: invitationGuards,
    schema: {
      tags: ['memberships'],
      summary: 'Decline my pending invitation (the invitee only, with a verified email)',
      params: invitationParams,
      response: { 204: z.null(), ...guardErrors, 403: errorOf('email_not_verified'), 404: errorOf('invitation_not_found') },
    },
  }, async (request, reply) => {
    const deleted = await request.db.deleteFrom('inactive_memberships').where('id', '=', request.params.id)
      .where('tenant_id', '=', request.params.tenantId).where('organization_id', '=', request.params.orgId)
      .returning('id').executeTakeFirst()
    if (!deleted) throw await invitationNotFound(request.db, request.user!.id)
    reply.code(204)
    return null
  })
}

export default membershipRoutes
