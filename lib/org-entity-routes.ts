import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { v7 as uuid } from 'uuid'
import { z } from 'zod'
import { type ScopedDb, withContext } from '../db/rls.js'
import { AppError } from './errors.js'
import { type Can, type EntityRef, type Subject, getAllowedActions, getAllowedActionsBatch } from './permissions.js'
import { batchResult, canSchema, errorSchema, guardErrors, idsBody, listOf, paginationQuery } from './schemas.js'
import { containsPattern } from '../db/search.js'

/** Columns every org-scoped entity table has. */
interface EntityRow {
  id: string
  tenant_id: string
  organization_id: string
  created_by: string | null
  created_at: Date
  updated_at: Date
}

/**
 * One org-scoped resource (pages, attachments): its table, zod shapes and column mapping. The
 * five routes of SPEC §5 (create, list, read, update, batch delete) are built from it, so the
 * resources share one implementation of guards, permissions, lists and batch results.
 */
export interface OrgEntityResource<Row extends EntityRow, Dto extends z.ZodObject, Create extends z.ZodType, Update extends z.ZodType, Filters extends z.ZodRawShape> {
  table: 'pages' | 'attachments'
  entityType: 'page' | 'attachment'
  dto: Dto
  create: Create
  update: Update
  /** Extra list filters (querystring), applied by `filter`. */
  filters: Filters
  sort: Record<string, keyof Row & string>
  search: keyof Row & string
  toDto(row: Row): Omit<z.infer<Dto>, 'can'>
  toColumns(body: z.infer<Create> | z.infer<Update>): Partial<Row>
  filter?(query: z.infer<z.ZodObject<Filters>>): Array<[keyof Row & string, unknown]>
}

const orgParams = z.object({ tenantId: z.string(), orgId: z.string() })
const entityParams = orgParams.extend({ id: z.uuid() })

export function registerOrgEntityRoutes<Row extends EntityRow, Dto extends z.ZodObject, Create extends z.ZodType, Update extends z.ZodType, Filters extends z.ZodRawShape>(
  fastify: FastifyInstance, resource: OrgEntityResource<Row, Dto, Create, Update, Filters>,
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const { table, entityType } = resource
  const path = `/:tenantId/:orgId/${table}`
  const tags = [table]
  const config = { guards: ['auth', 'tenant', 'org'] as ['auth', 'tenant', 'org'] }
  const withCan = resource.dto.extend({ can: canSchema })
  const ref = (row: Row): EntityRef => ({ entityType, organizationId: row.organization_id, ownerId: row.created_by })
  const present = (row: Row, can: Can) => ({ ...resource.toDto(row), can }) as z.infer<typeof withCan>
  const notFound = () => new AppError(404, `${entityType}_not_found`, 'info', { message: `${entityType} not found`, entityType })
  const forbidden = (action: string) => new AppError(403, 'forbidden', 'warn', { message: `Not allowed to ${action} this ${entityType}`, entityType })
  // The two tables share the columns used here; Kysely sees them through one of them.
  const from = (db: ScopedDb) => db.selectFrom(table as 'pages')
  const rowOf = (value: unknown) => value as Row

  async function findOne(db: ScopedDb, organizationId: string, id: string): Promise<Row | undefined> {
    return rowOf(await from(db).selectAll().where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst())
  }
  const subjectOf = (request: { subject: Subject | null }) => request.subject!
  // Read-your-writes: this instance's cache forgets what it wrote once the write is visible,
  // without waiting for the CDC event (which may come late, or never without a worker).
  const forgetOnCommit = (request: FastifyRequest, ids: string[]) => request.afterCommit(async () => {
    for (const id of ids) fastify.entityCache?.invalidate(entityType, id)
  })

  app.post(path, {
    config,
    schema: { tags, summary: `Create a ${entityType}`, params: orgParams, body: resource.create, response: { 201: withCan, 400: errorSchema, ...guardErrors } },
  }, async (request, reply) => {
    const organization = request.organization!
    const subject = subjectOf(request)
    if (!getAllowedActions(subject, { entityType, organizationId: organization.id }).create) throw forbidden('create')
    const row = rowOf(await request.db.insertInto(table as 'pages').values({
      ...(resource.toColumns(request.body as z.infer<Create>) as object),
      id: uuid(), tenant_id: organization.tenant_id, organization_id: organization.id, created_by: request.user!.id,
    } as never).returningAll().executeTakeFirstOrThrow())
    reply.code(201)
    return present(row, getAllowedActions(subject, ref(row)))
  })

  const listQuery = paginationQuery.extend({
    sort: z.enum(Object.keys(resource.sort) as [string, ...string[]]).default(Object.keys(resource.sort)[0]!),
    ...resource.filters,
  })
  app.get(path, {
    config,
    schema: { tags, summary: `List ${table} of the organization`, params: orgParams, querystring: listQuery, response: { 200: listOf(withCan), 400: errorSchema, ...guardErrors } },
  }, async (request) => {
    const query = request.query as z.infer<typeof paginationQuery> & { sort: string } & z.infer<z.ZodObject<Filters>>
    let base = from(request.db).where('organization_id', '=', request.organization!.id)
    if (query.q) base = base.where(resource.search as 'id', 'ilike', containsPattern(query.q))
    for (const [column, value] of resource.filter?.(query) ?? []) {
      if (value !== undefined) base = base.where(column as 'id', '=', value as string)
    }
    // One round trip: the page and, through a window, the total of the filtered list.
    const page = await base.selectAll().select((eb) => eb.fn.countAll<string>().over().as('full_count'))
      .orderBy(resource.sort[query.sort] as 'created_at', query.order).orderBy('id', query.order)
      .limit(query.limit).offset(query.offset).execute()
    // Past the end there is no row to carry the total: count separately then.
    const total = page[0]?.full_count
      ?? (query.offset > 0 ? (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n : 0)
    const rows = page.map(({ full_count: _count, ...row }) => rowOf(row))
    const cans = getAllowedActionsBatch(subjectOf(request), rows.map(ref))
    return { items: rows.map((row, i) => present(row, cans[i]!)), total: Number(total) }
  })

  // The hot read (SPEC §9): served from the entity cache when it is on, re-authorized on every
  // hit; a miss runs one query in the caller's RLS context, shared by concurrent identical reads.
  app.get(`${path}/:id`, {
    config: { ...config, rlsTransaction: false },
    schema: { tags, summary: `Read a ${entityType}`, params: entityParams, response: { 200: withCan, ...guardErrors } },
  }, async (request, reply) => {
    const organization = request.organization!
    const subject = subjectOf(request)
    const load = () => withContext(fastify.db, request.rlsContext!, (trx) => findOne(trx, organization.id, request.params.id))
    // Only callers of the same organization share a query: they all see the same rows.
    const { row: cached, source } = fastify.entityCache
      ? await fastify.entityCache.read(entityType, request.params.id, organization.id, load)
      : { row: await load(), source: 'MISS' }
    const row = cached as Row | undefined
    reply.header('x-cache', source)
    if (!row || row.organization_id !== organization.id) throw notFound()
    const can = getAllowedActions(subject, ref(row))
    if (!can.read) throw notFound()
    return present(row, can)
  })

  app.put(`${path}/:id`, {
    config,
    schema: { tags, summary: `Update a ${entityType}`, params: entityParams, body: resource.update, response: { 200: withCan, 400: errorSchema, ...guardErrors } },
  }, async (request) => {
    const subject = subjectOf(request)
    const row = await findOne(request.db, request.organization!.id, request.params.id)
    if (!row) throw notFound()
    if (!getAllowedActions(subject, ref(row)).update) throw forbidden('update')
    const updated = rowOf(await request.db.updateTable(table as 'pages')
      .set({ ...(resource.toColumns(request.body as z.infer<Update>) as object), updated_at: new Date() })
      .where('id', '=', row.id).returningAll().executeTakeFirstOrThrow())
    forgetOnCommit(request, [updated.id])
    return present(updated, getAllowedActions(subject, ref(updated)))
  })

  app.delete(path, {
    config,
    schema: { tags, summary: `Delete ${table}; ids I may not delete are returned in rejectedIds`, params: orgParams, body: idsBody, response: { 200: batchResult(z.object({ id: z.uuid() })), 400: errorSchema, ...guardErrors } },
  }, async (request) => {
    const subject = subjectOf(request)
    const rows = (await from(request.db).selectAll().where('organization_id', '=', request.organization!.id)
      .where('id', 'in', request.body.ids).execute()).map(rowOf)
    const allowed = rows.filter((row) => getAllowedActions(subject, ref(row)).delete).map((row) => row.id)
    const deleted = allowed.length
      ? await request.db.deleteFrom(table as 'pages').where('id', 'in', allowed).returning('id').execute()
      : []
    forgetOnCommit(request, deleted.map((d) => d.id))
    const done = new Set(deleted.map((d) => d.id))
    return { data: deleted, rejectedIds: request.body.ids.filter((id) => !done.has(id)) }
  })
}
