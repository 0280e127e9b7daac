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
  fastify.decorate('config', resolveOptions(options))
}, { name: 'config', fastify: '5.x' })
