import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type RlsContext, type ScopedDb, withContext } from '../../db/rls.js'
import { opensRlsContext } from './guards.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Long-lived routes (streams) manage their own transactions instead of one per request. */
    rlsTransaction?: false
  }
  interface FastifyRequest {
    /** The RLS context the guards opened; the handler runs inside it. */
    rlsContext: RlsContext | null
    /**
     * The handler's transaction in `rlsContext`, on routes whose guards open one (tenant,
     * cross-tenant, a tenant's public) while their handler runs. Read anywhere else, it throws
     * (a route without a context uses `fastify.db`, which sees no tenant row).
     */
    readonly db: ScopedDb
    /** Work to run once the handler's transaction has committed (e.g. sending mail). */
    afterCommit(work: () => Promise<void>): void
  }
}

/**
 * The RLS transaction around each handler (SPEC §4): the guards decide the context, and every
 * query the handler makes through `request.db` runs in one transaction opened in it, read-only
 * for GET and HEAD. Work queued with `afterCommit` runs once that transaction has committed.
 */
export default fp(async (fastify) => {
  fastify.decorateRequest('rlsContext', null)
  const handlerDb = new WeakMap<FastifyRequest, ScopedDb>()
  fastify.decorateRequest('db', {
    getter(this: FastifyRequest): ScopedDb {
      const db = handlerDb.get(this)
      if (!db) throw new Error(`request.db outside an RLS transaction (${this.method} ${this.routeOptions.url}): only the handler of a route whose guards open a context (tenant, crossTenant, a tenant's public) has one`)
      return db
    },
  })
  const pending = new WeakMap<FastifyRequest, Array<() => Promise<void>>>()
  fastify.decorateRequest('afterCommit', function (this: FastifyRequest, work: () => Promise<void>) {
    const list = pending.get(this) ?? []
    list.push(work)
    pending.set(this, list)
  })

  // Decided per route at registration: a route whose guards open no context runs its handler as it is.
  fastify.addHook('onRoute', (route) => {
    if (route.config?.rlsTransaction === false || !opensRlsContext(route)) return
    const handler = route.handler
    route.handler = async function (request, reply) {
      const context = request.rlsContext
      if (!context) return handler.call(this, request, reply)
      // A read (GET, HEAD) cannot write, whatever its handler does: the database refuses.
      const result = await withContext(fastify.db, context, async (trx) => {
        handlerDb.set(request, trx)
        try {
          return await handler.call(this, request, reply)
        } finally {
          handlerDb.delete(request)
        }
      }, { readOnly: request.method === 'GET' || request.method === 'HEAD' })
      for (const work of pending.get(request) ?? []) {
        await work().catch((err: unknown) => request.log.error({ err }, 'after-commit work failed'))
      }
      return result
    }
  })
}, { name: 'rls', dependencies: ['config', 'db'] })
