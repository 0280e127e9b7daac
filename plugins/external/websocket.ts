import websocket from '@fastify/websocket'
import fp from 'fastify-plugin'

/** WebSocket support, for the CDC ingest (only when the sync engine is on). */
export default fp(async (fastify) => {
  if (!fastify.config.sync) return
  await fastify.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } })
}, { name: 'websocket', dependencies: ['config'] })
