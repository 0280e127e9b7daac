/** The error body of SPEC §6 and the mapping of Fastify's and Postgres' errors onto it. */
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'

export type Severity = 'debug' | 'info' | 'warn' | 'error' | 'fatal'

export interface AppErrorOptions {
  message?: string
  entityType?: string
  meta?: Record<string, unknown>
  cause?: unknown
}

export class AppError extends Error {
  override name = 'AppError'
  readonly status: number
  readonly type: string
  readonly severity: Severity
  readonly entityType?: string
  readonly meta?: Record<string, unknown>

  constructor(status: number, type: string, severity: Severity = 'warn', options: AppErrorOptions = {}) {
    super(options.message ?? defaultMessage(type), { cause: options.cause })
    this.status = status
    this.type = type
    this.severity = severity
    this.entityType = options.entityType
    this.meta = options.meta
  }
}

function defaultMessage(type: string): string {
  const text = type.replaceAll('_', ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export interface ErrorBody {
  error: {
    status: number
    type: string
    message: string
    severity: Severity
    entityType?: string
    requestId: string
    meta?: Record<string, unknown>
  }
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      status: error.status,
      type: error.type,
      message: error.message,
      severity: error.severity,
      ...(error.entityType ? { entityType: error.entityType } : {}),
      requestId,
      ...(error.meta ? { meta: error.meta } : {}),
    },
  }
}

/** Turns Fastify's own errors (validation, JSON, body size, …) into AppErrors. */
export function fromFastifyError(error: FastifyError): AppError | undefined {
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
    case 'FST_ERR_BAD_URL':
      return new AppError(400, 'bad_url', 'warn', { message: 'The URL is not valid' })
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError(414, 'uri_too_long', 'warn', { message: 'A path parameter is too long' })
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const type = error.statusCode === 429 ? 'rate_limited' : 'bad_request'
    return new AppError(error.statusCode, type, 'warn', { message: error.message })
  }
  return undefined
}

/**
 * What `error` answers as, logged: a rejection (4xx) at info with its type and message, a failure
 * (5xx) at error with the cause (the body will be masked). The error handler and
 * `frameworkErrors` both answer through it.
 */
export function loggedAppError(error: FastifyError, request: FastifyRequest): AppError {
  const appError = fromFastifyError(error) ?? toAppError(error)
  if (appError.status >= 500) request.log.error({ err: error, type: appError.type }, 'request failed')
  else request.log.info({ type: appError.type, message: appError.message }, 'request rejected')
  return appError
}

/**
 * Fastify's `frameworkErrors` server option: errors raised before routing (a malformed URL
 * escape, a path parameter over `maxParamLength`) answer in the error shape too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = loggedAppError(error, request)
  // No onRequest hook runs before routing: the headers every response carries are set here.
  reply.headers({ ...reply.server.securityHeaders?.(request), 'x-request-id': request.id })
  reply.code(appError.status).send(errorBody(appError, request.id))
}

const clientErrors: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'Request headers are too large'],
}

/**
 * Fastify's `clientErrorHandler` server option: bytes Node's HTTP parser refuses (a bad
 * Content-Length, a broken request line) get a §6 error body on the raw socket, then it closes.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, type, message] = clientErrors[error.code ?? ''] ?? [400, 'bad_request', 'Malformed HTTP request']
  if (socket.writable) {
    const body = JSON.stringify(errorBody(new AppError(status, type, 'warn', { message }), randomUUID()))
    socket.write(`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : type}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

/** The fields of a node-postgres DatabaseError we read. */
interface PgError {
  code: string
  constraint?: string
  column?: string
  table?: string
  detail?: string
}

function isPgError(value: unknown): value is PgError {
  return typeof value === 'object' && value !== null && 'code' in value &&
    typeof value.code === 'string' && /^[0-9A-Z]{5}$/.test(value.code) && 'severity' in value
}

/** The error and its causes, outermost first (wrapped errors are unwrapped through `.cause`). */
function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>()
  for (let current = error; current != null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current)
    yield current
  }
}

const poolTimeout = /timeout exceeded when trying to connect|too many clients already|remaining connection slots|Connection terminated/i
/** Socket-level failures reaching the database: it is down or restarting, not a bug of ours. */
const connectionFailures = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])

/** Maps any thrown value to an AppError; unknown errors become a masked 500. */
export function toAppError(error: unknown): AppError {
  for (const candidate of causeChain(error)) {
    if (candidate instanceof AppError) return candidate
    if (isPgError(candidate)) return fromPgError(candidate, error)
    const code = (candidate as { code?: unknown }).code
    if (candidate instanceof Error && (poolTimeout.test(candidate.message) || (typeof code === 'string' && connectionFailures.has(code)))) {
      return new AppError(503, 'database_unavailable', 'error', { message: 'Database is busy, retry later', cause: error })
    }
  }
  return new AppError(500, 'internal_error', 'error', { message: 'Internal server error', cause: error })
}

function fromPgError(pgError: PgError, original: unknown): AppError {
  const meta = (extra: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined))
  const options = (message: string, extra: Record<string, unknown> = {}): AppErrorOptions => {
    const m = meta(extra)
    return { message, cause: original, entityType: pgError.table, ...(Object.keys(m).length ? { meta: m } : {}) }
  }
  switch (pgError.code) {
    case '23505': return new AppError(409, 'resource_already_exists', 'warn', options('Resource already exists', { constraint: pgError.constraint }))
    case '23503': return new AppError(400, 'invalid_reference', 'warn', options('Referenced resource does not exist', { constraint: pgError.constraint }))
    case '23502': return new AppError(400, 'missing_value', 'warn', options('A required value is missing', { field: pgError.column }))
    case '23514': return new AppError(400, 'constraint_violation', 'warn', options('A value is not allowed', { constraint: pgError.constraint }))
    case '22P02': return new AppError(400, 'invalid_value', 'warn', options('A value has an invalid format'))
    // A NUL byte (or a character the database encoding cannot hold) in a text value.
    case '22021':
    case '22P05': return new AppError(400, 'invalid_value', 'warn', options('A value contains a character that is not allowed'))
    case '42501': return new AppError(403, 'forbidden', 'warn', options('Not allowed'))
    case '40001':
    case '40P01': return new AppError(409, 'conflict_retry', 'warn', options('Concurrent update, retry the request'))
    case 'ST400': return new AppError(400, 'immutable_field', 'warn', options(`Field ${pgError.column ?? ''} cannot be changed`.trim(), { field: pgError.column }))
    case '53300':
    case '57P01':
    case '57P02':
    case '57P03': return new AppError(503, 'database_unavailable', 'error', { message: 'Database is busy, retry later', cause: original })
    default:
      // Class 08: the connection to the database failed (it is down or restarting).
      if (pgError.code.startsWith('08')) return new AppError(503, 'database_unavailable', 'error', { message: 'Database is unavailable, retry later', cause: original })
      return new AppError(500, 'internal_error', 'error', { message: 'Internal server error', cause: original })
  }
}
