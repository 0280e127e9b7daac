import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/**
 * Response headers a browser on APP_URL may read (issue 14): cache source, idempotent replay,
 * when to retry after a 429/503, the request id that error bodies quote, and which list count was used.
 */
const exposedHeaders = ['X-Cache', 'Idempotent-Replayed', 'Mutation-Replayed', 'Retry-After', 'X-Request-Id', 'Preference-Applied']

/**
 * CORS limited to APP_URL (SPEC §10). Without APP_URL no cross-origin request is allowed, and the
 * plugin is not registered: it would only cost every request a hook that answers nothing (a
 * preflight gets the same 404 either way).
 */
export default fp(async (fastify) => {
  const { appUrl } = fastify.config
  if (!appUrl) return
  await fastify.register(cors, {
    origin: [new URL(appUrl).origin],
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders,
  })
}, { name: 'cors', dependencies: ['config'] })
