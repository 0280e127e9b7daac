import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/**
 * Response headers a browser on APP_URL may read (issue 14): cache source, idempotent replay,
 * when to retry after a 429/503, the request id that error bodies quote, and which list count was used.
 */
const exposedHeaders = ['X-Cache', 'Idempotent-Replayed', 'Mutation-Replayed', 'Retry-After', 'X-Request-Id', 'Preference-Applied']

/** CORS limited to APP_URL (SPEC §10); without APP_URL no cross-origin request is allowed. */
export default fp(async (fastify) => {
  const { appUrl } = fastify.config
  await fastify.register(cors, {
    origin: appUrl ? [new URL(appUrl).origin] : false,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders,
  })
  // Every response names its request id (the one logs and error bodies carry), errors included.
  // A callback hook: an async one costs a promise and a microtask per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
}, { name: 'cors', dependencies: ['config'] })
