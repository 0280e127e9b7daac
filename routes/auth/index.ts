import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { acceptInvitation, claimInvitationToken } from '../../db/invitations.js'
import { type ScopedDb, setContext } from '../../db/rls.js'
import { createUserWithPassword, findUserByEmail } from '../../db/users.js'
import { AppError, toAppError } from '../../lib/errors.js'
import { examples } from '../../lib/examples.js'
import { emailSchema, errorSchema, passwordSchema, toUserDto, userSchema } from '../../lib/schemas.js'
import { decoyPasswordHash, hashPassword, sha256, verifyPassword } from '../../lib/secrets.js'

const signUpBody = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().max(200).optional(),
  /** From an invitation mail: the new account joins the inviting organizations. */
  inviteToken: z.string().min(16).max(200).optional(),
}).meta({ example: examples.signUp })

const signInBody = z.object({
  email: emailSchema,
  password: z.string().min(1).max(100),
}).meta({ example: { email: examples.signUp.email, password: examples.signUp.password } })

const userResponse = z.object({ user: userSchema })

/**
 * Consumes an invitation token inside the sign-up transaction: as the new user (user RLS
 * context), claim the token's invitations — only when it was sent to this email — and accept them.
 */
async function joinInvitedOrganizations(trx: ScopedDb, userId: string, token: string): Promise<void> {
  await setContext(trx, { kind: 'user', userId })
  if (await claimInvitationToken(trx, sha256(token)) === 0) {
    throw new AppError(400, 'invalid_invite_token', 'warn', { message: 'The invitation is invalid, expired, used, or for another email' })
  }
  const invitations = await trx.selectFrom('inactive_memberships').selectAll().where('user_id', '=', userId).execute()
  for (const invitation of invitations) await acceptInvitation(trx, invitation, userId)
}

const authRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.post('/auth/sign-up', {
    config: { guards: ['public'], authRateLimit: true },
    schema: {
      tags: ['auth'],
      summary: 'Create an account with email and password; starts a session',
      body: signUpBody,
      response: { 201: userResponse, 400: errorSchema, 409: errorSchema, 429: errorSchema },
    },
  }, async (request, reply) => {
    const { email, password, name, inviteToken } = request.body
    const hash = await hashPassword(password)
    const user = await fastify.db.transaction().execute(async (trx) => {
      try {
        const created = await createUserWithPassword(trx, { email, name, hash })
        if (inviteToken) await joinInvitedOrganizations(trx, created.id, inviteToken)
        return created
      } catch (error) {
        const mapped = toAppError(error)
        if (mapped.type === 'resource_already_exists' && mapped.meta?.constraint === 'users_email_key') {
          throw new AppError(409, 'email_exists', 'info', { message: 'An account with this email exists', entityType: 'user' })
        }
        throw error
      }
    })
    await fastify.auth.startSession(request, reply, user.id)
    reply.code(201)
    return { user: toUserDto(user) }
  })

  fastify.post('/auth/sign-in', {
    config: { guards: ['public'], authRateLimit: true },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; starts a session',
      body: signInBody,
      response: { 200: userResponse, 400: errorSchema, 401: errorSchema, 429: errorSchema },
    },
  }, async (request, reply) => {
    const found = await findUserByEmail(fastify.db, request.body.email)
    // Unknown email and wrong password take the same path: one argon2 verification, one answer.
    const valid = await verifyPassword(found?.hash ?? await decoyPasswordHash, request.body.password)
    if (!found || !found.hash || !valid) {
      throw new AppError(401, 'invalid_credentials', 'info', { message: 'Email or password is incorrect' })
    }
    await fastify.auth.startSession(request, reply, found.id)
    const { hash: _hash, ...user } = found
    return { user: toUserDto(user) }
  })

  fastify.post('/auth/sign-out', {
    config: { guards: ['auth'] },
    schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null(), 401: errorSchema } },
  }, async (request, reply) => {
    await fastify.auth.endSession(request, reply)
    reply.code(204)
    return null
  })
}

export default authRoutes
