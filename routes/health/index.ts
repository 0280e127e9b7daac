import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

const readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.array(z.string())),
  /** Reported, not judged: e.g. `cdc` (the worker's health, the same on every instance). */
  info: z.record(z.string(), z.record(z.string(), z.unknown())),
})

const healthRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get('/health', {
    // Liveness is never shed: an orchestrator restarts a process whose liveness probe fails, and
    // restarting a busy instance adds to the overload (readiness takes it out of rotation instead).
    config: { guards: ['public'], pressureHandler: () => undefined },
    schema: {
      tags: ['operations'],
      summary: 'Liveness: the process answers (no database access)',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
  // Synchronous: the answer needs no promise (Fastify sends a returned value as it is).
  }, () => ({ status: 'ok' as const }))

  fastify.get('/ready', {
    config: { guards: ['public'] },
    schema: {
      tags: ['operations'],
      summary: 'Readiness: database, migrations, tenant-isolation catalog, this instance\'s change feed (and CDC health as info)',
      response: { 200: readiness, 503: readiness },
    },
  }, async (_request, reply) => {
    const { ready, checks, info } = await fastify.readiness.run()
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks, info })
  })
}

export default healthRoutes
