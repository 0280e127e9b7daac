import { randomUUID } from 'node:crypto'
import type { FastifyServerOptions } from 'fastify'
import { clientErrorHandler, frameworkErrors } from './errors.js'

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

const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/

/** The client's `x-request-id` when it is a plain id (no spaces, quotes, control bytes, HTML), else a UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && safeRequestId.test(header) ? header : randomUUID()
}

/** Fastify server options shared by `server.ts`, the test helper and the benchmarks. */
export function serverOptions(logLevel: string, bodyLimit = 1024 * 1024, stream?: NodeJS.WritableStream): FastifyServerOptions {
  return {
    logger: {
      level: logLevel,
      redact: { paths: redactPaths, censor: '[redacted]' },
      ...(stream ? { stream } : {}),
    },
    bodyLimit,
    // An incoming request id (from a proxy) is in every log line and error body, so it is kept
    // only when it is plainly an id; anything else gets a fresh one.
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    // Long-lived streams must not hold `close()` open.
    forceCloseConnections: true,
    trustProxy: false,
    // Errors raised before routing or by Node's HTTP parser answer in the error shape too.
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: true,
  }
}
