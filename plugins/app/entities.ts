import fp from 'fastify-plugin'
import { attachments } from '../../entities/attachments.js'
import type { AnyEntity } from '../../entities/definition.js'
import { pages } from '../../entities/pages.js'

type EntityListener = (definition: AnyEntity) => void

/**
 * Every registered entity by type and by table. Filled at boot (core entities, the `entities`
 * option, authors' plugins) and read-only once the app is ready: nothing per request registers.
 */
export class EntityRegistry {
  private readonly types = new Map<string, AnyEntity>()
  private readonly tables = new Map<string, AnyEntity>()
  private readonly listeners: EntityListener[] = []
  private sealed = false

  get(type: string): AnyEntity | undefined {
    return this.types.get(type)
  }

  byTable(table: string): AnyEntity | undefined {
    return this.tables.get(table)
  }

  all(): AnyEntity[] {
    return [...this.types.values()]
  }

  /** Adds an entity and, at once, whatever is served for each entity (its routes). */
  register(definition: AnyEntity): void {
    if (this.sealed) {
      throw new Error(`entity "${definition.type}" registered after the app is ready: register entities through the \`entities\` option or from a plugin, before ready()`)
    }
    if (this.types.has(definition.type)) throw new Error(`entity type "${definition.type}" is already registered`)
    if (this.tables.has(definition.table)) throw new Error(`table "${definition.table}" already belongs to entity "${this.tables.get(definition.table)!.type}"`)
    this.types.set(definition.type, definition)
    this.tables.set(definition.table, definition)
    for (const listener of this.listeners) listener(definition)
  }

  /**
   * Calls `listener` for every entity registered so far and for each one registered later: route
   * plugins use it, so an entity an author registers after Strata's routes still gets its own.
   */
  each(listener: EntityListener): void {
    this.listeners.push(listener)
    for (const definition of this.types.values()) listener(definition)
  }

  seal(): void {
    this.sealed = true
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The entity registry (SPEC §12): pages, attachments, then authors' entities. */
    entities: EntityRegistry
  }
}

/** The registry, with the core entities first, then the `entities` option's. */
export default fp(async (fastify) => {
  const registry = new EntityRegistry()
  for (const definition of [pages, attachments, ...fastify.config.entities]) registry.register(definition)
  fastify.decorate('entities', registry)
  fastify.addHook('onReady', async () => registry.seal())
}, { name: 'entities', dependencies: ['config'] })
