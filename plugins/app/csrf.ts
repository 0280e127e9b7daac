import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../lib/errors.js'
import { sessionCookie } from './auth.js'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF protection for cookie-authenticated mutations (SPEC §10): a request that carries the
 * session cookie and changes state must come from APP_URL's origin (or, without APP_URL, from
 * the server's own origin). Requests without the cookie have no ambient authority to abuse:
 * an API token (`Authorization: Bearer`) is never sent by a browser on its own, so a bearer
 * request needs no Origin. One that carries the cookie too is checked like any cookie request.
 */
export default fp(async (fastify) => {
  const allowed = fastify.config.appUrl ? new URL(fastify.config.appUrl).origin : undefined
  const checkOrigin: onRequestHookHandler = (request, _reply, done) => {
    if (safeMethods.has(request.method) || !request.cookies[sessionCookie]) return done()
    const origin = request.headers.origin
    const expected = allowed ?? `${request.protocol}://${request.host}`
    if (origin === expected) return done()
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
