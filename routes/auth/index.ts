import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { consumeVerificationToken, issueVerificationToken, markEmailVerified } from '../../db/email-verification.js'
import { acceptInvitation, claimInvitationToken } from '../../db/invitations.js'
import { type ScopedDb, setContext } from '../../db/rls.js'
import type { User } from '../../db/schema.js'
import { createUserWithPassword, findUserByEmail } from '../../db/users.js'
import { AppError, toAppError } from '../../lib/errors.js'
import { examples } from '../../lib/examples.js'
import { emailVerificationMail } from '../../lib/mail-templates.js'
import { emailSchema, errorOf, errorSchema, passwordSchema, toUserDto, userSchema } from '../../lib/schemas.js'
import { decoyPasswordHash, hashPassword, sha256, verifyPassword } from '../../lib/secrets.js'
import { verifyEmailPage } from './verify-email-page.js'

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

const verifyEmailBody = z.object({ token: z.string().min(16).max(200) })
  .meta({ example: { token: 'kq3Vw0mZ8cXb1yLrT5uN7aPe2sGdHfJi9oQx4vBn6Ek' } })

const userResponse = z.object({ user: userSchema })

const verificationRefusals = {
  invalid: { type: 'invalid_verification_token', message: 'The verification link is invalid' },
  expired: { type: 'verification_token_expired', message: 'The verification link has expired; ask for a new one' },
  used: { type: 'verification_token_used', message: 'The verification link was already used' },
} as const

/**
 * Consumes an invitation token inside the sign-up transaction: as the new user (user RLS
 * context), claim the token's invitations — only when it was sent to this email — and accept them.
 * The token came by mail to this address, so it also verifies the address.
 */
async function joinInvitedOrganizations(trx: ScopedDb, user: User, token: string): Promise<User> {
  await setContext(trx, { kind: 'user', userId: user.id })
  if (await claimInvitationToken(trx, sha256(token)) === 0) {
    throw new AppError(400, 'invalid_invite_token', 'warn', { message: 'The invitation is invalid, expired, used, or for another email' })
  }
  // Created in this transaction with this email: the update always finds the user.
  const verified = (await markEmailVerified(trx, user.id, user.email))!
  const invitations = await trx.selectFrom('inactive_memberships').selectAll().where('user_id', '=', user.id).execute()
  for (const invitation of invitations) await acceptInvitation(trx, invitation, user.id)
  return verified
}

/** Where this server listens, as a browser reaches it (a wildcard address as localhost); before it listens, the default port. */
function ownOrigin(fastify: FastifyInstance): string {
  if (fastify.addresses().length === 0) return 'http://localhost:3000'
  const origin = new URL(fastify.listeningOrigin)
  if (['0.0.0.0', '[::]'].includes(origin.hostname)) origin.hostname = 'localhost'
  return origin.origin
}

const authRoutes: FastifyPluginAsyncZod = async (fastify) => {
  // Links in mails lead to APP_URL (the front-end); without it, to this server's own page.
  const linkBase = () => fastify.config.appUrl ?? ownOrigin(fastify)
  const sendVerificationMail = (to: string, token: string) => fastify.mailer.send(emailVerificationMail({
    to, verifyUrl: `${linkBase()}/auth/verify-email?token=${encodeURIComponent(token)}`,
  }))
  fastify.servePage(verifyEmailPage)

  fastify.post('/auth/sign-up', {
    config: { guards: ['public'], authRateLimit: 'credentials' },
    schema: {
      tags: ['auth'],
      summary: 'Create an account with email and password; starts a session and mails a verification link',
      body: signUpBody,
      operationId: 'signUp',
      response: { 201: userResponse, 400: errorOf('invalid_invite_token'), 409: errorOf('email_exists'), 429: errorOf('rate_limited') },
    },
  }, async (request, reply) => {
    const { email, password, name, inviteToken } = request.body
    const hash = await hashPassword(password)
    const { user, verificationToken } = await fastify.db.transaction().execute(async (trx) => {
      try {
        const created = await createUserWithPassword(trx, { email, name, hash })
        if (inviteToken) return { user: await joinInvitedOrganizations(trx, created, inviteToken), verificationToken: undefined }
        return { user: created, verificationToken: await issueVerificationToken(trx, created) }
      } catch (error) {
        const mapped = toAppError(error)
        if (mapped.type === 'resource_already_exists' && mapped.meta?.constraint === 'users_email_key') {
          throw new AppError(409, 'email_exists', 'info', { message: 'An account with this email exists', entityType: 'user' })
        }
        throw error
      }
    })
    if (verificationToken) await sendVerificationMail(user.email, verificationToken)
    await fastify.auth.startSession(request, reply, user.id)
    reply.code(201)
    return { user: toUserDto(user) }
  })

  fastify.post('/auth/sign-in', {
    config: { guards: ['public'], authRateLimit: 'credentials' },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; starts a session',
      body: signInBody,
      operationId: 'signIn',
      response: { 200: userResponse, 400: errorSchema, 401: errorOf('invalid_credentials'), 429: errorOf('rate_limited') },
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

  fastify.post('/auth/verify-email', {
    config: { guards: ['public'] },
    schema: {
      tags: ['auth'],
      summary: 'Verify my email with the token of the verification mail (works once, for 24 hours)',
      body: verifyEmailBody,
      operationId: 'verifyEmail',
      response: { 200: userResponse, 400: errorOf('invalid_verification_token', 'verification_token_expired', 'verification_token_used') },
    },
  }, async (request) => {
    const outcome = await fastify.db.transaction().execute((trx) => consumeVerificationToken(trx, request.body.token))
    if ('refused' in outcome) {
      const { type, message } = verificationRefusals[outcome.refused]
      throw new AppError(400, type, 'info', { message, entityType: 'user' })
    }
    const user = outcome.verified
    fastify.lookups.sessions.invalidateWhere((s) => s.user.id === user.id)
    return { user: toUserDto(user) }
  })

  fastify.post('/auth/verify-email/resend', {
    config: { guards: ['auth'], authRateLimit: 'verificationMail' },
    schema: {
      tags: ['auth'],
      summary: 'Mail me a new verification link (once a minute; earlier links stop working)',
      operationId: 'resendVerificationEmail',
      response: { 204: z.null(), 401: errorSchema, 409: errorOf('email_already_verified'), 429: errorOf('rate_limited') },
    },
  }, async (request, reply) => {
    const user = await fastify.db.selectFrom('users').selectAll().where('id', '=', request.user!.id).executeTakeFirstOrThrow()
    if (user.email_verified_at) {
      throw new AppError(409, 'email_already_verified', 'info', { message: 'This email is already verified', entityType: 'user' })
    }
    await sendVerificationMail(user.email, await issueVerificationToken(fastify.db, user))
    reply.code(204)
    return null
  })

  fastify.post('/auth/sign-out', {
    config: { guards: ['auth'] },
    schema: { tags: ['auth'], summary: 'End the current session', operationId: 'signOut', response: { 204: z.null(), 401: errorSchema } },
  }, async (request, reply) => {
    await fastify.auth.endSession(request, reply)
    reply.code(204)
    return null
  })
}

export default authRoutes
