import type { FastifyPluginAsync } from 'fastify'

/** `/internal/cdc`: the CDC worker's WebSocket (SPEC §8), with the shared secret; not in OpenAPI. */
const cdcRoute: FastifyPluginAsync = async (fastify) => {
  const ingest = fastify.cdcIngest
  if (!ingest) return
  fastify.get('/internal/cdc', {
    websocket: true,
    config: { guards: ['cdcSecret'], rlsTransaction: false },
    schema: { hide: true },
  }, (socket) => ingest.accept(socket))
}

export default cdcRoute
