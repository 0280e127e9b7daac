import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../lib/errors.js'
import { errorSchema, listOf, paginationQuery } from '../../lib/schemas.js'
import { pageSchema, toPageDto } from '../pages/schemas.js'
import { containsPattern } from '../../db/search.js'

const tenantParams = z.object({ tenantId: z.string() })

/**
 * Unauthenticated reads of one tenant's public pages (SPEC §5), through the public RLS
 * context: the database itself only returns published pages with public access.
 */
const publicRoutes: FastifyPluginAsyncZod = async (fastify) => {
  if (!fastify.config.publicAccess) return

  fastify.get('/public/:tenantId/pages', {
    config: { guards: ['public'] },
    schema: {
      tags: ['public'],
      summary: 'Published public pages of a tenant',
      params: tenantParams,
      querystring: paginationQuery.extend({ sort: z.enum(['createdAt', 'title']).default('createdAt'), order: z.enum(['asc', 'desc']).default('desc') }),
      response: { 200: listOf(pageSchema), 400: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { limit, offset, q, sort, order } = request.query
    let base = request.db.selectFrom('pages')
    if (q) base = base.where('title', 'ilike', containsPattern(q))
    const rows = await base.selectAll().orderBy(sort === 'title' ? 'title' : 'created_at', order).orderBy('id', order)
      .limit(limit).offset(offset).execute()
    const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
    return { items: rows.map(toPageDto), total: Number(total) }
  })

  fastify.get('/public/:tenantId/pages/:id', {
    config: { guards: ['public'] },
    schema: {
      tags: ['public'],
      summary: 'One published public page',
      params: tenantParams.extend({ id: z.uuid() }),
      response: { 200: pageSchema, 404: errorSchema },
    },
  }, async (request) => {
    const page = await request.db.selectFrom('pages').selectAll().where('id', '=', request.params.id).executeTakeFirst()
    if (!page) throw new AppError(404, 'page_not_found', 'info', { entityType: 'page' })
    return toPageDto(page)
  })
}

export default publicRoutes
