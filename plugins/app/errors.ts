import type { FastifyError } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { AppError, errorBody, toAppError } from '../../lib/errors.js'

/** Turns Fastify's own errors (validation, JSON, body size, …) into AppErrors. */
function fromFastifyError(error: FastifyError): AppError | undefined {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      field: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }))
    const first = issues[0]
    return new AppError(400, 'validation_error', 'warn', {
      message: first ? `Invalid ${first.field}: ${first.message}` : 'Invalid request',
      meta: { issues },
    })
  }
  if (isResponseSerializationError(error)) return undefined
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'invalid_json', 'warn', { message: 'Request body is not valid JSON' })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'body_too_large', 'warn', { message: 'Request body is too large' })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'unsupported_media_type', 'warn', { message: 'Unsupported content type' })
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const type = error.statusCode === 429 ? 'rate_limited' : 'bad_request'
    return new AppError(error.statusCode, type, 'warn', { message: error.message })
  }
  return undefined
}

/**
 * The error contract of SPEC §6: every 4xx/5xx body is `{ error: {...} }` with the request id;
 * 5xx bodies are masked (the log line keeps the cause, stack and SQL).
 */
export default fp(async (fastify) => {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = fromFastifyError(error) ?? toAppError(error)
    if (appError.status >= 500) {
      request.log.error({ err: error, type: appError.type }, 'request failed')
    } else {
      request.log.info({ type: appError.type, message: appError.message }, 'request rejected')
    }
    return reply.code(appError.status).send(errorBody(appError, request.id))
  })

  fastify.setNotFoundHandler((request, reply) => {
    const error = new AppError(404, 'route_not_found', 'info', { message: `Route ${request.method} ${request.url.split('?')[0]} not found` })
    return reply.code(404).send(errorBody(error, request.id))
  })
}, { name: 'errors', dependencies: ['config'] })
