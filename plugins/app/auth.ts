import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { findApiTokenBySecret, touchApiToken } from '../../db/api-tokens.js'
import type { ApiToken, Session, User } from '../../db/schema.js'
import { type SessionWithUser, createSession, deleteSession, extendSession, findSessionBySecret } from '../../db/sessions.js'
import { AppError } from '../../lib/errors.js'
import { randomToken, sha256 } from '../../lib/secrets.js'

export const sessionCookie = 'strata-session'

const sessionTtlMs = 7 * 24 * 60 * 60 * 1000
/** Sliding expiry: a session used after this much of its life is extended to a full week. */
const extendAfterMs = 24 * 60 * 60 * 1000

/** Personal API tokens start with this, so scanners and people can tell what leaked. */
export const apiTokenPrefix = 'strata_pat_'
/** `last_used_at` is a hint, not an audit log: written at most this often per token. */
const lastUsedPrecisionMs = 60_000

/** A verified session cookie: the raw token and the sha256 the sessions table keeps. */
interface Credentials {
  token: string
  hash: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `auth` guard. */
    user: User | null
    /** The session of a cookie-authenticated request. */
    session: Session | null
    /** The API token of a bearer-authenticated request. */
    apiToken: ApiToken | null
    /**
     * The one tenant this request may act in (a tenant-scoped API token), or null for any.
     * Routes with `:tenantId` enforce it in the `auth` guard; cross-tenant reads filter by it.
     */
    tenantScope: string | null
    isSystemAdmin: boolean
  }
  interface FastifyInstance {
    auth: {
      /**
       * The `auth` guard: loads the API token (`Authorization: Bearer`) or the session (cookie), or
       * answers 401. Synchronous (no promise) for a cached session that needs no database write.
       */
      authenticate(request: FastifyRequest, reply: FastifyReply): void | Promise<void>
      /** Starts a session for `userId` and sets the cookie (raw token; the table keeps its sha256). */
      startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void>
      endSession(request: FastifyRequest, reply: FastifyReply): Promise<void>
    }
  }
}

/**
 * Sessions (SPEC §5): a random token in the signed `strata-session` cookie, sha256 in the table.
 * API tokens (issue 14): `Authorization: Bearer strata_pat_…`, sha256 in `api_tokens`; a bearer
 * header decides the request's identity even next to a cookie (CSRF still checks the cookie's).
 */
export default fp(async (fastify) => {
  const { secureCookies } = fastify.config
  fastify.decorateRequest('user', null)
  fastify.decorateRequest('session', null)
  fastify.decorateRequest('apiToken', null)
  fastify.decorateRequest('tenantScope', null)
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

  /** The bearer token of the Authorization header; undefined without one (other schemes are not ours). */
  function bearerOf(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization
    const match = header ? /^Bearer +(\S+) *$/i.exec(header) : null
    return match?.[1]
  }

  function rejectToken(reply: FastifyReply, type: string, message: string): never {
    reply.header('www-authenticate', `Bearer error="invalid_token"`)
    throw new AppError(401, type, 'info', { message })
  }

  async function authenticateToken(request: FastifyRequest, reply: FastifyReply, token: string): Promise<void> {
    if (!token.startsWith(apiTokenPrefix)) rejectToken(reply, 'unauthorized', 'API token is invalid')
    const hash = sha256(token)
    const cacheKey = `api_token:${hash}`
    const { apiTokens } = fastify.lookups
    const found = apiTokens.get(cacheKey) ?? await apiTokens.load(cacheKey, () => findApiTokenBySecret(fastify.db, hash))
    if (!found) rejectToken(reply, 'unauthorized', 'API token is invalid or revoked')
    const now = Date.now()
    // An expired token stays listed (its owner sees why it stopped) until revoked.
    if (found.token.expires_at && new Date(found.token.expires_at).getTime() <= now) {
      rejectToken(reply, 'token_expired', 'API token has expired')
    }
    const scope = found.token.scope_tenant_id
    const tenantId = (request.params as Record<string, string | undefined> | undefined)?.tenantId
    if (scope && tenantId !== undefined && tenantId !== scope) {
      throw new AppError(403, 'token_scope', 'warn', { message: 'This API token is limited to another tenant', entityType: 'tenant' })
    }
    const lastUsed = found.token.last_used_at ? new Date(found.token.last_used_at).getTime() : 0
    if (now - lastUsed >= lastUsedPrecisionMs) {
      const usedAt = new Date(now)
      await touchApiToken(fastify.db, found.token.id, usedAt)
      fastify.lookups.apiTokens.set(cacheKey, { ...found, token: { ...found.token, last_used_at: usedAt } })
    }
    request.user = found.user
    request.apiToken = found.token
    request.tenantScope = scope
    // A token limited to one tenant carries no system-wide rights: it acts as a plain member there.
    request.isSystemAdmin = found.isSystemAdmin && !scope
  }

  function authenticate(request: FastifyRequest, reply: FastifyReply): void | Promise<void> {
    const bearer = bearerOf(request)
    if (bearer !== undefined) return authenticateToken(request, reply, bearer)
    const credentials = credentialsOf(request)
    if (credentials === undefined) throw new AppError(401, 'no_session', 'info', { message: 'Sign in first' })
    if (!credentials) reject(reply, 'unauthorized', 'Session is invalid')
    const cacheKey = `session:${credentials.hash}`
    const { sessions } = fastify.lookups
    const cached = sessions.get(cacheKey)
    if (cached) return admitSession(request, reply, credentials, cached)
    return sessions.load(cacheKey, () => findSessionBySecret(fastify.db, credentials.hash))
      .then((found) => admitSession(request, reply, credentials, found))
  }

  /** Admits a found session; touches the database only to end an expired one or extend it. */
  function admitSession(request: FastifyRequest, reply: FastifyReply, { token, hash }: Credentials, found: SessionWithUser | undefined): void | Promise<void> {
    if (!found) reject(reply, 'unauthorized', 'Session is invalid')
    const expiresAt = new Date(found.session.expires_at)
    const now = Date.now()
    if (expiresAt.getTime() <= now) {
      return deleteSession(fastify.db, found.session.id).then(() => {
        fastify.lookups.forgetSession(hash)
        reject(reply, 'session_expired', 'Session has expired, sign in again')
      })
    }
    if (expiresAt.getTime() - now >= sessionTtlMs - extendAfterMs) return admit(request, found)
    const extended = new Date(now + sessionTtlMs)
    return extendSession(fastify.db, found.session.id, extended).then(() => {
      const renewed = { ...found, session: { ...found.session, expires_at: extended } }
      fastify.lookups.sessions.set(`session:${hash}`, renewed)
      reply.setCookie(sessionCookie, token, { ...cookieOptions, expires: extended })
      admit(request, renewed)
    })
  }

  function admit(request: FastifyRequest, { user, session, isSystemAdmin }: SessionWithUser): void {
    request.user = user
    request.session = session
    request.isSystemAdmin = isSystemAdmin
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
