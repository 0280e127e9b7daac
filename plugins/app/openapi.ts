import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { describeOperation } from '../../lib/openapi-operations.js'

type Transform = typeof jsonSchemaTransform
type TransformObject = typeof jsonSchemaTransformObject

/** The zod transform, then what the route's guards and responses say (lib/openapi-operations.ts). */
const transform: Transform = (input) => {
  const result = jsonSchemaTransform(input)
  return { ...result, schema: describeOperation(input.route, result.schema as Record<string, unknown>) }
}

/** Every operationId names one operation: a clash is a boot error of the document, not a silent overwrite. */
const transformObject: TransformObject = (input) => {
  const document = jsonSchemaTransformObject(input) as { paths?: Record<string, Record<string, { operationId?: string }>> }
  const seen = new Map<string, string>()
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const id = operation.operationId
      if (!id) continue
      if (seen.has(id)) throw new Error(`operationId ${id} of ${method.toUpperCase()} ${path} is also ${seen.get(id)}'s`)
      seen.set(id, `${method.toUpperCase()} ${path}`)
    }
  }
  return document as ReturnType<TransformObject>
}

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
    transform,
    transformObject,
  })
  // Swagger UI is an HTML page: everything it serves sends the document's security headers, its
  // static files too (uiHooks miss those, oauth2-redirect.html among them), so hooked on its scope.
  await fastify.register(async (docs) => {
    docs.addHook('onRequest', fastify.documentHeaders)
    await docs.register(swaggerUi, { routePrefix: '/docs' })
  })
  fastify.get('/openapi.json', { schema: { hide: true }, config: { guards: ['public'] } }, async () => fastify.swagger())
}, { name: 'openapi', dependencies: ['config', 'validation', 'helmet'] })
