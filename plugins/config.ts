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
  // Refuse rather than run a sync engine that would silently produce nothing.
  if (config.sync && config.sync.source === 'notify') {
    throw new Error("sync.source 'notify' is not implemented yet: use 'replication' (the default) or sync: false")
  }
  fastify.decorate('config', config)
}, { name: 'config', fastify: '5.x' })
