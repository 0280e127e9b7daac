import fp from 'fastify-plugin'
import { type StrataOptions, type StrataOptionsInput, resolveOptions } from '../config/options.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The resolved registration options: every feature flag with its default applied. */
    config: StrataOptions
  }
}

/** Resolves the registration options once; every other plugin reads `fastify.config`. */
export default fp<StrataOptionsInput>(async (fastify, options) => {
  const config = resolveOptions(options)
  fastify.decorate('config', config)
  // The body limit is an option of the plugin, not only of the server it is registered in.
  fastify.addHook('onRoute', (route) => { route.bodyLimit ??= config.bodyLimit })
}, { name: 'config', fastify: '5.x' })
