import type { FastifyPluginAsync } from 'fastify'
import { AppError } from '../../lib/errors.js'

/** `/internal/cdc`: the CDC worker's WebSocket (SPEC §8), with the shared secret; not in OpenAPI. */
const cdcRoute: FastifyPluginAsync = async (fastify) => {
  const ingest = fastify.cdcIngest
  if (!ingest) return
  fastify.route({
    method: 'GET',
    url: '/internal/cdc',
    config: { guards: ['cdcSecret'], rlsTransaction: false },
    schema: { hide: true },
    // A plain request (no WebSocket upgrade) gets an answer in the error shape, not an empty 404.
    handler: async () => {
      throw new AppError(426, 'upgrade_required', 'warn', { message: 'The CDC ingest is a WebSocket: send an upgrade request' })
    },
    wsHandler: (socket) => ingest.accept(socket),
  })
}

export default cdcRoute
