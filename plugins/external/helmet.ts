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
 * helmet's middleware is built once per variant, here: the @fastify/helmet wrapper rebuilds it
 * (and re-parses the CSP) on every request, which measured ~8 % of the CPU of a cached entity read.
 */
export default fp(async (fastify) => {
  const overHttps = helmet({ contentSecurityPolicy: { directives } })
  const overHttp = helmet({
    contentSecurityPolicy: { directives: { ...directives, upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  })
  fastify.addHook('onRequest', (request, reply, done) => {
    const setHeaders = request.protocol === 'https' ? overHttps : overHttp
    setHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined))
  })
}, { name: 'helmet', dependencies: ['config'] })
