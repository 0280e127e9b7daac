import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import { type LoggerOptions, symbols } from 'pino'

/** Paths pino replaces with "[redacted]" on every log line (SPEC §10). */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-cdc-secret"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.inviteToken',
  '*.hash',
  'password',
  'token',
  'secret',
]

interface SerializedError {
  type: string
  message: string
  code?: string
  stack?: string
  cause?: SerializedError | string
}

/**
 * What a logged error keeps: type, message, code, stack (and its cause, alike). Never its other
 * fields: a `pg` error carries the whole Client, prepared statements' SQL included.
 */
export function serializeError(err: unknown): SerializedError | string {
  if (!(err instanceof Error)) return String(err)
  const { code, cause } = err as { code?: unknown; cause?: unknown }
  return {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    stack: err.stack,
    ...(cause === undefined ? {} : { cause: serializeError(cause) }),
  }
}

/** A database driver's object (a client, a pool, a connection): logged as a short tag only. */
const isDriverObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && ('connection' in value || 'client' in value)

/** Keys pino serializes itself (Fastify's request and reply, and errors above). */
const serializedKeys = new Set(['req', 'res', 'err'])

/** Every logged field that is an error or a driver object, made short (pino runs this before serializers). */
function withoutDriverObjects(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (serializedKeys.has(key)) out[key] = value
    else if (value instanceof Error) out[key] = serializeError(value)
    else out[key] = isDriverObject(value) ? `[${value!.constructor?.name ?? 'object'}]` : value
  }
  return out
}

/** Where log lines go: stdout as JSON (pino's default), a given stream (tests), or pino-pretty. */
export type LogOutput = 'json' | 'pretty' | NodeJS.WritableStream

/** Readable lines for a person at a terminal in development (when pino-pretty, a dev dependency, is installed); JSON otherwise. */
export function logOutputFor(nodeEnv: string, isTTY = process.stdout.isTTY === true): LogOutput {
  if (nodeEnv !== 'development' || !isTTY) return 'json'
  try {
    import.meta.resolve('pino-pretty')
    return 'pretty'
  } catch {
    return 'json'
  }
}

/** pino options shared by the API and the standalone CDC worker. */
export function loggerOptions(level: string, output: LogOutput = 'json'): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: serializeError },
    formatters: { log: withoutDriverObjects },
    ...(output === 'pretty' ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  }
}

const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/

/** The client's `x-request-id` when it is a plain id (no spaces, quotes, control bytes, HTML), else a UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && safeRequestId.test(header) ? header : randomUUID()
}

const { chindingsSym } = symbols as unknown as { chindingsSym: symbol }

type PinoChild = FastifyBaseLogger & Record<symbol, string>

/** Per parent logger, one child without bindings, made once: the prototype of its request loggers. */
const requestLoggerBases = new WeakMap<FastifyBaseLogger, PinoChild>()

/**
 * Fastify's per-request child logger, bound to the request id. pino's `child()` runs the redaction
 * stringifier (its wildcard paths) over every binding and rebuilds its formatters: a few µs a
 * request, logged or not. The request id is a plain string (`requestIdOf`), with nothing to redact,
 * so a request's logger is made as pino makes a child (an object whose prototype is its parent)
 * from one binding-less child of the parent made once, with the id appended to its serialized
 * bindings as pino writes them. Any other binding or option takes pino's own path.
 */
export const requestChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) => {
  const { reqId, ...others } = bindings as { reqId?: unknown }
  if (typeof reqId !== 'string' || Object.keys(others).length > 0 || Object.keys(options).length > 0) return logger.child(bindings, options)
  let base = requestLoggerBases.get(logger)
  if (!base) {
    base = logger.child({}) as PinoChild
    requestLoggerBases.set(logger, base)
  }
  const child = Object.create(base) as PinoChild
  child[chindingsSym] = `${base[chindingsSym]},"reqId":${JSON.stringify(reqId)}`
  return child
}
