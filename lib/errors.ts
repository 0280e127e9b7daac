/** The error body of SPEC §6 and the mapping of Postgres errors onto it. */

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

const poolTimeout = /timeout exceeded when trying to connect|too many clients already|remaining connection slots/i

/** Maps any thrown value to an AppError; unknown errors become a masked 500. */
export function toAppError(error: unknown): AppError {
  for (const candidate of causeChain(error)) {
    if (candidate instanceof AppError) return candidate
    if (isPgError(candidate)) return fromPgError(candidate, error)
    if (candidate instanceof Error && poolTimeout.test(candidate.message)) {
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
    case '42501': return new AppError(403, 'forbidden', 'warn', options('Not allowed'))
    case '40001':
    case '40P01': return new AppError(409, 'conflict_retry', 'warn', options('Concurrent update, retry the request'))
    case 'ST400': return new AppError(400, 'immutable_field', 'warn', options(`Field ${pgError.column ?? ''} cannot be changed`.trim(), { field: pgError.column }))
    case '53300':
    case '57P03': return new AppError(503, 'database_unavailable', 'error', { message: 'Database is busy, retry later', cause: original })
    default: return new AppError(500, 'internal_error', 'error', { message: 'Internal server error', cause: original })
  }
}
