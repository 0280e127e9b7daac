import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import { AppError } from '../../lib/errors.js'

/** Load shedding (SPEC §10): 503 `overloaded` while the event loop is saturated. */
export default fp(async (fastify) => {
  const { loadShedding } = fastify.config
  if (!loadShedding) return
  await fastify.register(underPressure, {
    maxEventLoopDelay: loadShedding.maxEventLoopDelayMs,
    maxEventLoopUtilization: loadShedding.maxEventLoopUtilization,
    retryAfter: 5,
    pressureHandler: (_request, reply, type, value) => {
      reply.header('retry-after', '5')
      throw new AppError(503, 'overloaded', 'warn', { message: 'Server is under pressure, retry later', meta: { type, value } })
    },
  })
}, { name: 'under-pressure', dependencies: ['config'] })
