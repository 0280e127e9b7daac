import type { FastifyServerOptions } from 'fastify'
import { clientErrorHandler, frameworkErrors } from '../lib/errors.js'
import { type LogOutput, loggerOptions, requestChildLogger, requestIdOf } from '../lib/logger.js'

/** Fastify server options shared by `server.ts`, the test helper and the benchmarks. */
export function serverOptions(logLevel: string, bodyLimit = 1024 * 1024, output: LogOutput = 'json'): FastifyServerOptions {
  return {
    logger: {
      ...loggerOptions(logLevel, output),
      ...(typeof output === 'object' ? { stream: output } : {}),
    },
    bodyLimit,
    // An incoming request id (from a proxy) is in every log line and error body, so it is kept
    // only when it is plainly an id; anything else gets a fresh one.
    requestIdHeader: false,
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    childLoggerFactory: requestChildLogger,
    // Long-lived streams must not hold `close()` open.
    forceCloseConnections: true,
    trustProxy: false,
    // Errors raised before routing or by Node's HTTP parser answer in the error shape too.
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: true,
  }
}
