import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type SessionWithUser, createSession, deleteSession, extendSession, findSessionBySecret } from '../../db/sessions.js'
import type { Session, User } from '../../db/schema.js'
import { AppError } from '../../lib/errors.js'
import { randomToken, sha256 } from '../../lib/secrets.js'

export const sessionCookie = 'strata-session'

const sessionTtlMs = 7 * 24 * 60 * 60 * 1000
/** Sliding expiry: a session used after this much of its life is extended to a full week. */
const extendAfterMs = 24 * 60 * 60 * 1000

/** A verified session cookie: the raw token and the sha256 the sessions table keeps. */
interface Credentials {
  token: string
  hash: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `auth` guard. */
    user: User | null
    session: Session | null
    isSystemAdmin: boolean
  }
  interface FastifyInstance {
    auth: {
      /** The `auth` guard: loads the session from the cookie or answers 401. */
      authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>
      /** Starts a session for `userId` and sets the cookie (raw token; the table keeps its sha256). */
      startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void>
      endSession(request: FastifyRequest, reply: FastifyReply): Promise<void>
    }
  }
}

/** Sessions (SPEC §5): a random token in the signed `strata-session` cookie, sha256 in the table. */
export default fp(async (fastify) => {
  const { secureCookies } = fastify.config
  fastify.decorateRequest('user', null)
  fastify.decorateRequest('session', null)
  fastify.decorateRequest('isSystemAdmin', false)

  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, signed: true }
  const clearCookie = (reply: FastifyReply) => reply.clearCookie(sessionCookie, { path: '/' })

  // Checking the cookie's signature (an HMAC) is the costliest step of an authenticated request
  // (~15 µs, more than the guards and the cache lookups together). A signed value checks the
  // same way every time, so values that passed are remembered with their token's hash.
  const verifiedCookies = fastify.caches.create<Credentials>({ name: 'verified_cookie', max: 10_000 })

  /** The session token in the cookie and its hash; null for a bad signature, undefined without a cookie. */
  function credentialsOf(request: FastifyRequest): Credentials | null | undefined {
    const raw = request.cookies[sessionCookie]
    if (!raw) return undefined
    let credentials = verifiedCookies.get(raw)
    if (!credentials) {
      const unsigned = request.unsignCookie(raw)
      if (!unsigned.valid || !unsigned.value) return null
      credentials = { token: unsigned.value, hash: sha256(unsigned.value) }
      verifiedCookies.set(raw, credentials)
    }
    return credentials
  }

  function reject(reply: FastifyReply, type: string, message: string): never {
    clearCookie(reply)
    throw new AppError(401, type, 'info', { message })
  }

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const credentials = credentialsOf(request)
    if (credentials === undefined) throw new AppError(401, 'no_session', 'info', { message: 'Sign in first' })
    if (!credentials) reject(reply, 'unauthorized', 'Session is invalid')
    const { token, hash } = credentials
    const cacheKey = `session:${hash}`
    let found: SessionWithUser | undefined = fastify.lookups.sessions.get(cacheKey)
    if (!found) {
      found = await findSessionBySecret(fastify.db, hash)
      if (found) fastify.lookups.sessions.set(cacheKey, found)
    }
    if (!found) reject(reply, 'unauthorized', 'Session is invalid')
    const expiresAt = new Date(found.session.expires_at)
    const now = Date.now()
    if (expiresAt.getTime() <= now) {
      await deleteSession(fastify.db, found.session.id)
      fastify.lookups.forgetSession(hash)
      reject(reply, 'session_expired', 'Session has expired, sign in again')
    }
    if (expiresAt.getTime() - now < sessionTtlMs - extendAfterMs) {
      const extended = new Date(now + sessionTtlMs)
      await extendSession(fastify.db, found.session.id, extended)
      fastify.lookups.sessions.set(cacheKey, { ...found, session: { ...found.session, expires_at: extended } })
      reply.setCookie(sessionCookie, token, { ...cookieOptions, expires: extended })
    }
    request.user = found.user
    request.session = found.session
    request.isSystemAdmin = found.isSystemAdmin
  }

  fastify.decorate('auth', {
    authenticate,
    async startSession(request: FastifyRequest, reply: FastifyReply, userId: string) {
      const token = randomToken()
      const expiresAt = new Date(Date.now() + sessionTtlMs)
      await createSession(fastify.db, {
        secret: sha256(token), userId, expiresAt, userAgent: request.headers['user-agent'], ip: request.ip,
      })
      reply.setCookie(sessionCookie, token, { ...cookieOptions, expires: expiresAt })
    },
    async endSession(request: FastifyRequest, reply: FastifyReply) {
      if (request.session) {
        await deleteSession(fastify.db, request.session.id)
        const credentials = credentialsOf(request)
        if (credentials) {
          verifiedCookies.delete(request.cookies[sessionCookie]!)
          fastify.lookups.forgetSession(credentials.hash)
        }
      }
      clearCookie(reply)
    },
  })
}, { name: 'auth', dependencies: ['config', 'db', 'cookie', 'caches', 'lookup-caches'] })
