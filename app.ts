// First: keeps next-tick entries on V8's fast path (see lib/tick-shape.ts).
import './lib/tick-shape.js'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autoload from '@fastify/autoload'
import websocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import type { StrataOptionsInput } from './config/options.js'
import config from './plugins/config.js'

export type { StrataOptionsInput as StrataOptions } from './config/options.js'

const here = path.dirname(fileURLToPath(import.meta.url))

/**
 * Strata as one Fastify plugin: resolve options, then the plugins (external libraries first,
 * then the app's own), then every route folder. Register it wrapped in `fastify-plugin` so its
 * decorators stay visible to the caller.
 */
export default async function strata(fastify: FastifyInstance, options: StrataOptionsInput): Promise<void> {
  await fastify.register(config, options)
  await fastify.register(autoload, { dir: path.join(here, 'plugins/external') })
  await fastify.register(autoload, { dir: path.join(here, 'plugins/app') })
  await fastify.register(autoload, {
    dir: path.join(here, 'routes'),
    dirNameRoutePrefix: false,
    // Each encapsulated context has its own request and reply classes, and the code every request
    // runs (routing, hooks) slows down once it has met more than four. Route files only add routes
    // (test/plugins/route-files.test.ts), so they share Strata's context.
    encapsulate: false,
    ignorePattern: /^internal$/,
  })
  // The CDC ingest's WebSocket route (routes/internal) has a context of its own, with
  // @fastify/websocket: that plugin adds an onRequest and an onResponse hook to every route of the
  // context it is registered in, and no HTTP request needs them.
  if (!fastify.config.sync) return
  await fastify.register(async (ingest) => {
    await ingest.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } })
    await ingest.register(autoload, { dir: path.join(here, 'routes/internal'), dirNameRoutePrefix: false })
  })
}
