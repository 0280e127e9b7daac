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

/** Fastify server options shared by `server.ts`, the test helper and the benchmarks. */
export function serverOptions(logLevel: string, bodyLimit = 1024 * 1024, stream?: NodeJS.WritableStream): FastifyServerOptions {
  return {
    logger: {
      level: logLevel,
      redact: { paths: redactPaths, censor: '[redacted]' },
      ...(stream ? { stream } : {}),
    },
    bodyLimit,
    // Honour an incoming request id from a proxy, else mint one; it is in every log line and error body.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Long-lived streams must not hold `close()` open.
    forceCloseConnections: true,
    trustProxy: false,
    // Errors raised before routing or by Node's HTTP parser answer in the error shape too.
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: true,
  }
}
