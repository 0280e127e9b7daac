import type { FastifyError } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, errorBody, loggedAppError } from '../../lib/errors.js'

/**
 * The error contract of SPEC §6: every 4xx/5xx body is `{ error: {...} }` with the request id;
 * 5xx bodies are masked (the log line keeps the cause, stack and SQL).
 */
export default fp(async (fastify) => {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = loggedAppError(error, request)
    return reply.code(appError.status).send(errorBody(appError, request.id))
  })

  fastify.setNotFoundHandler((request, reply) => {
    const error = new AppError(404, 'route_not_found', 'info', { message: `Route ${request.method} ${request.url.split('?')[0]} not found` })
    return reply.code(404).send(errorBody(error, request.id))
  })
}, { name: 'errors', dependencies: ['config'] })
