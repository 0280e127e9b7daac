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
  // A callback hook: reads (most requests) pay no promise for a check that does not apply to them.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (safeMethods.has(request.method) || !request.cookies[sessionCookie]) return done()
    const origin = request.headers.origin
    const expected = allowed ?? `${request.protocol}://${request.host}`
    if (origin === expected) return done()
    done(new AppError(403, 'csrf_origin_mismatch', 'warn', {
      message: origin ? `Origin ${origin} is not allowed` : 'Origin header required for cookie-authenticated requests',
    }))
  })
}, { name: 'csrf', dependencies: ['config', 'cookie'] })
