import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'

/** What Swagger UI at /docs and the demo page need to load their scripts, styles and images. */
const documentDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
}

/**
 * The CSP options for a protocol. HSTS and `upgrade-insecure-requests` go out only over https:
 * over plain http (a LAN, Docker) the latter makes the browser fetch /docs' assets over https,
 * which fails, and the page stays blank.
 */
const cspFor = (https: boolean, directives: Record<string, Iterable<string> | null>) =>
  ({ directives: https ? directives : { ...directives, upgradeInsecureRequests: null } })

/**
 * An API response is never rendered as a page: it needs no script, style or frame, and the
 * headers that only shape how a browser treats a document (COOP, Origin-Agent-Cluster, DNS
 * prefetch, IE download and XSS filters, Flash cross-domain policies) do nothing for it
 * (OWASP REST Security Cheat Sheet). Its CSP allows nothing and no one may frame it.
 */
export const apiHeaders = (https: boolean) => headersOf(helmet({
  contentSecurityPolicy: { useDefaults: false, ...cspFor(https, { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }) },
  strictTransportSecurity: https,
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
}))

const documentHeaders = (https: boolean) => headersOf(helmet({
  contentSecurityPolicy: cspFor(https, documentDirectives),
  strictTransportSecurity: https,
}))

/**
 * Security headers (SPEC §10), from helmet, in two sets: the API's on every response (with the
 * request id), and the full set for HTML documents (Swagger UI, the demo page), whose routes add
 * `documentHeaders`.
 * The headers depend on nothing of the request (no nonce), so each set is recorded once, at
 * boot, from helmet itself, and set on every response without running its middleware chain.
 * They go into the reply's own headers (names lower-cased at boot), which Node validates and
 * writes once in `writeHead`. Hijacked replies (the SSE streams) write `reply.getHeaders()`, so
 * they carry them too.
 */
export default fp(async (fastify) => {
  const api = { http: apiHeaders(false), https: apiHeaders(true) }
  const document = { http: documentHeaders(false), https: documentHeaders(true) }
  const securityHeaders = (request: FastifyRequest) => api[request.protocol]
  fastify.decorate('securityHeaders', securityHeaders)
  fastify.decorate('documentHeaders', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.headers(document[request.protocol])
    done()
  })
  // Every response also names its request id (the one logs and error bodies carry), errors
  // included: set in the same hook, since each hook is paid on every request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders(request)).header('x-request-id', request.id)
    done()
  })
}, { name: 'helmet', dependencies: ['config'] })

declare module 'fastify' {
  interface FastifyInstance {
    /** The security headers of an API response to `request` (for answers sent before any hook runs). */
    securityHeaders?(request: FastifyRequest): Record<string, string>
    /** A route's onRequest hook for an HTML page: the document's security headers (its CSP allows its own scripts). */
    documentHeaders(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void
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
