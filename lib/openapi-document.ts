import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from '../app.js'
import type { Env } from '../config/env.js'
import { optionsFromEnv } from '../config/env-options.js'
import type { StrataOptionsInput } from '../config/options.js'
import { serverOptions } from '../config/server-options.js'

export type OpenApiDocument = ReturnType<ReturnType<typeof Fastify>['swagger']>

/**
 * The OpenAPI document an app with these options serves, built without a database: which routes
 * exist depends on the feature flags (tenancy, sync, public access), never on a connection.
 */
export async function openapiDocument(options: StrataOptionsInput): Promise<OpenApiDocument> {
  const app = Fastify(serverOptions('warn'))
  try {
    await app.register(fp(strata), { ...options, database: false })
    await app.ready()
    return app.swagger()
  } finally {
    await app.close()
  }
}

/** The options `npm start` registers in this environment (its database aside). */
export const servedOptions = (env: Env): StrataOptionsInput => optionsFromEnv(env, undefined)

/** The document as written to a file: stable key order from the app, two-space indent. */
export const documentText = (document: OpenApiDocument): string => `${JSON.stringify(document, null, 2)}\n`
