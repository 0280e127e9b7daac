import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { countOf } from '../../db/count.js'
import { containsPattern } from '../../db/search.js'
import type { AnyEntity } from '../../entities/definition.js'
import { type AnyRow, column, entityNotFound, entityTable } from '../../entities/routes.js'
import type { ScopedDb } from '../../db/rls.js'
import { errorSchema, listOf, paginationQuery } from '../../lib/schemas.js'

const tenantParams = z.object({ tenantId: z.string() })

/**
 * Unauthenticated reads of one tenant's rows of every entity with a public read (SPEC §5, §12),
 * through the public RLS context: the database itself returns only the rows its public-read
 * predicate admits (published pages with public access).
 */
const publicRoutes: FastifyPluginAsync = async (fastify) => {
  if (!fastify.config.publicAccess) return
  fastify.entities.each((definition) => {
    if (definition.publicRead) registerPublicReads(fastify, definition)
  })
}

function registerPublicReads(fastify: FastifyInstance, definition: AnyEntity): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const { table, type, list } = definition
  const sortKeys = Object.keys(list.sort) as [string, ...string[]]
  const from = (db: ScopedDb) => {
    const scoped = entityTable(db, definition)
    return scoped.db.selectFrom(scoped.table)
  }

  app.get(`/public/:tenantId/${table}`, {
    config: { guards: ['public'] },
    schema: {
      tags: ['public'],
      summary: `Public ${table} of a tenant`,
      params: tenantParams,
      querystring: paginationQuery.extend({ sort: z.enum(sortKeys).default(sortKeys[0]), order: z.enum(['asc', 'desc']).default('desc') }),
      response: { 200: listOf(definition.dto), 400: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { limit, offset, q, sort, order } = request.query as z.infer<typeof paginationQuery> & { sort: string }
    let base = from(request.db)
    if (q && list.search) base = base.where(column(list.search), 'ilike', containsPattern(q))
    const rows = await base.selectAll().orderBy(column(list.sort[sort]!), order).orderBy('id', order)
      .limit(limit).offset(offset).execute()
    return { items: rows.map((row) => definition.toDto(row as AnyRow)), total: await countOf(base) }
  })

  app.get(`/public/:tenantId/${table}/:id`, {
    config: { guards: ['public'] },
    schema: {
      tags: ['public'],
      summary: `One public ${type}`,
      params: tenantParams.extend({ id: z.uuid() }),
      response: { 200: definition.dto, 404: errorSchema },
    },
  }, async (request) => {
    const row = await from(request.db).selectAll().where('id', '=', request.params.id).executeTakeFirst()
    if (!row) throw entityNotFound(definition)
    return definition.toDto(row as AnyRow)
  })
}

export default publicRoutes
