import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AppError } from '../../lib/errors.js'
import { safeEqual } from '../../lib/secrets.js'

const metricsRoute: FastifyPluginAsyncZod = async (fastify) => {
  const { metrics } = fastify.config
  if (!metrics) return
  // With a token (METRICS_TOKEN) only a scraper that sends it reads the process's internals.
  const tokenCheck = typeof metrics === 'object' ? { onRequest: requireBearer(`Bearer ${metrics.token}`) } : {}
  fastify.get('/metrics', {
    config: { guards: ['public'] },
    ...tokenCheck,
    schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true },
  }, async (_request, reply) => {
    reply.type(fastify.metrics.contentType)
    return fastify.metrics.metrics()
  })
}

function requireBearer(expected: string) {
  return async (request: FastifyRequest) => {
    const given = request.headers.authorization
    if (typeof given !== 'string' || !safeEqual(given, expected)) {
      throw new AppError(401, 'unauthorized', 'info', { message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>' })
    }
  }
}

export default metricsRoute
