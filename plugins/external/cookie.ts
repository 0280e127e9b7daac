import cookie from '@fastify/cookie'
import fp from 'fastify-plugin'

/** Cookie parsing and signing with COOKIE_SECRET (the session cookie is signed). */
export default fp(async (fastify) => {
  await fastify.register(cookie, { secret: fastify.config.cookieSecret, hook: 'onRequest' })
}, { name: 'cookie', dependencies: ['config'] })
