import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

/** Security headers (SPEC §10). The CSP allows what Swagger UI at /docs needs. */
export default fp(async (fastify) => {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      },
    },
  })
}, { name: 'helmet', dependencies: ['config'] })
