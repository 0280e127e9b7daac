import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

const metricsRoute: FastifyPluginAsyncZod = async (fastify) => {
  if (!fastify.config.metrics) return
  fastify.get('/metrics', {
    config: { guards: ['public'] },
    schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true },
  }, async (_request, reply) => {
    reply.type(fastify.metrics.contentType)
    return fastify.metrics.metrics()
  })
}

export default metricsRoute
