import type { FastifyPluginAsync } from 'fastify'
import { registerEntityRoutes } from '../../entities/routes.js'

/** Create, list, read, update and batch delete for every registered entity (SPEC §5, §12). */
const entityRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.entities.each((definition) => registerEntityRoutes(fastify, definition))
}

export default entityRoutes
