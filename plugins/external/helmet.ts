import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'

const directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
}

/**
 * Security headers (SPEC §10). The CSP allows what Swagger UI at /docs needs. HSTS and
 * `upgrade-insecure-requests` go out only over https: over plain http (a LAN, Docker) the latter
 * makes the browser fetch /docs' assets over https, which fails, and the page stays blank.
 * The headers depend on nothing of the request (no nonce), so each variant's set is recorded once,
 * at boot, from helmet itself, and set on every response without running its middleware chain.
 * They go into the reply's own headers (names lower-cased at boot), which Node validates and writes
 * once in `writeHead`: on the raw response (`setHeader`), each was validated and stored twice.
 * Hijacked replies (the SSE streams) write `reply.getHeaders()`, so they carry them too.
 */
export default fp(async (fastify) => {
  const overHttps = headersOf(helmet({ contentSecurityPolicy: { directives } }))
  const overHttp = headersOf(helmet({
    contentSecurityPolicy: { directives: { ...directives, upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  }))
  const securityHeaders = (request: FastifyRequest) => request.protocol === 'https' ? overHttps : overHttp
  fastify.decorate('securityHeaders', securityHeaders)
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders(request))
    done()
  })
}, { name: 'helmet', dependencies: ['config'] })

declare module 'fastify' {
  interface FastifyInstance {
    /** The security headers of a response to `request` (for answers sent before any hook runs). */
    securityHeaders?(request: FastifyRequest): Record<string, string>
  }
}

/** The headers a helmet middleware sets (it also removes X-Powered-By, which nothing here sets). */
function headersOf(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = { setHeader: (name: string, value: string) => { headers[name.toLowerCase()] = value }, removeHeader: () => {} }
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err
  })
  return headers
}
