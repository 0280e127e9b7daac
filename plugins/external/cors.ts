import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/** CORS limited to APP_URL (SPEC §10); without APP_URL no cross-origin request is allowed. */
export default fp(async (fastify) => {
  const { appUrl } = fastify.config
  await fastify.register(cors, {
    origin: appUrl ? [new URL(appUrl).origin] : false,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  })
}, { name: 'cors', dependencies: ['config'] })
