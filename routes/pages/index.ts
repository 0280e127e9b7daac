import type { FastifyPluginAsync } from 'fastify'
import { registerOrgEntityRoutes } from '../../lib/org-entity-routes.js'
import { createPageBody, pageSchema, pageStatus, toPageColumns, toPageDto, updatePageBody } from './schemas.js'

/** Pages of an organization: CRUD with status and public access (SPEC §5). */
const pageRoutes: FastifyPluginAsync = async (fastify) => {
  registerOrgEntityRoutes(fastify, {
    table: 'pages',
    entityType: 'page',
    dto: pageSchema,
    create: createPageBody,
    update: updatePageBody,
    filters: { status: pageStatus.optional() },
    filter: (query) => [['status', query.status]],
    sort: { createdAt: 'created_at', title: 'title', updatedAt: 'updated_at', status: 'status' },
    search: 'title',
    toDto: toPageDto,
    toColumns: toPageColumns,
  })
}

export default pageRoutes
