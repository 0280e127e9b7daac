import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

/** OpenAPI 3.1 generated from the routes' zod schemas: `/openapi.json` and Swagger UI at `/docs`. */
export default fp(async (fastify) => {
  if (!fastify.config.openapi) return
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Strata API',
        description: 'Multi-tenant backend with row-level security and a realtime change stream.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'strata-session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (`POST /me/tokens`)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  await fastify.register(swaggerUi, { routePrefix: '/docs' })
  fastify.get('/openapi.json', { schema: { hide: true }, config: { guards: ['public'] } }, async () => fastify.swagger())
}, { name: 'openapi', dependencies: ['config', 'validation'] })
