import fp from 'fastify-plugin'
import { tasks } from './task.js'

/**
 * The tasks plugin: register it after Strata (`app.register(fp(strata), { …, migrations:
 * tasksMigrations })`, then `app.register(tasksPlugin)`). Registering the entity is all it takes:
 * routes, OpenAPI, streams, the cache and the `/ready` check follow from the declaration.
 */
export default fp(async (fastify) => {
  fastify.entities.register(tasks)
}, { name: 'tasks', dependencies: ['entities'] })
