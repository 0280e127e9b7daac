import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../lib/errors.js'
import { sessionCookie } from './auth.js'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF protection for state-changing requests (SPEC §10): one that carries the session cookie must
 * come from APP_URL's origin (or, without APP_URL, from the server's own origin). One without the
 * cookie has no ambient authority to abuse (an API token, `Authorization: Bearer`, is never sent
 * by a browser on its own), so it needs no Origin: a Node client sends none. But a browser always
 * names the origin of a cross-origin POST, and one from a foreign origin is refused with or without
 * the cookie: otherwise a foreign page could sign a visitor in to the attacker's account (login
 * CSRF: `POST /auth/sign-in` answers with a session cookie) or sign them up. Without the cookie,
 * the server's own pages (Swagger UI's "Try it out" with a token) may write even when APP_URL
 * names another origin.
 */
export default fp(async (fastify) => {
  const allowed = fastify.config.appUrl ? new URL(fastify.config.appUrl).origin : undefined
  const checkOrigin: onRequestHookHandler = (request, _reply, done) => {
    if (safeMethods.has(request.method)) return done()
    const origin = request.headers.origin
    const withCookie = Boolean(request.cookies[sessionCookie])
    if (origin === undefined && !withCookie) return done()
    const own = `${request.protocol}://${request.host}`
    if (origin === (allowed ?? own) || (!withCookie && origin === own)) return done()
    done(new AppError(403, 'csrf_origin_mismatch', 'warn', {
      message: origin ? `Origin ${origin} is not allowed` : 'Origin header required for cookie-authenticated requests',
    }))
  }
  // On every route that accepts a state-changing method, by construction (onRoute sees routes any
  // plugin adds later), and on no other: reads, most requests, pay nothing for a check that does
  // not apply to them. This onRoute runs after the guards' (a dependency), so the check goes in
  // front of the guard chain: a cross-origin write is refused before any guard runs.
  fastify.addHook('onRoute', (route) => {
    if ([route.method].flat().every((method) => safeMethods.has(method))) return
    route.onRequest = [checkOrigin, ...(route.onRequest ? [route.onRequest].flat() : [])]
  })
}, { name: 'csrf', dependencies: ['config', 'cookie', 'guards'] })
