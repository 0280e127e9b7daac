import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { type Generated, type Kysely, sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import { z } from 'zod'
import { queryTemplate } from '../db/query-template.js'
import { type ScopedDb, withContext } from '../db/rls.js'
import { containsPattern } from '../db/search.js'
import { AppError } from '../lib/errors.js'
import { type Can, type EntityRef, type Subject, getAllowedActions, getAllowedActionsBatch } from '../lib/permissions.js'
import { batchResult, canSchema, errorOf, errorSchema, guardErrors, idsBody, listOf, orgParams, paginationQuery } from '../lib/schemas.js'
import { type AnyEntity, type EntityRow, defaultRules } from './definition.js'
import { FieldMutation, sendReplay, stxOf, stxSchema, withStx } from './field-versions.js'
import { countMatches, countPreference, maintainedTotal } from './list-total.js'

/** A row of any entity table: the columns every entity has, and its own. */
export type AnyRow = EntityRow & Record<string, unknown>

/**
 * Kysely over entity tables known only at run time (an author's `tasks` is not in `db/schema.ts`).
 * The one loosely typed view of the database: the entity's table is typed as a table named `entity`
 * with the columns every entity has (the SQL names `definition.table`); the declaration's own
 * columns (checked against its row type by `defineEntity`) go through `column`, rows come back as
 * `AnyRow`, and the zod schemas, `toDto` and `toColumns` give the types back at the edges.
 */
export function entityTable(db: ScopedDb, definition: AnyEntity) {
  return { db: db as unknown as Kysely<{ entity: EntityTable }>, table: definition.table as 'entity' }
}
type EntityTable = Omit<EntityRow, 'created_at' | 'updated_at'> & { created_at: Generated<Date>; updated_at: Generated<Date> }
export const column = (name: string) => name as keyof EntityTable

export const entityNotFound = (definition: AnyEntity) =>
  new AppError(404, `${definition.type}_not_found`, 'info', { entityType: definition.type })

const entityParams = orgParams.extend({ id: z.uuid() })

/**
 * The five routes of SPEC §5's pages shape for one declared entity: create, list, read, update
 * and batch delete under `/:tenantId/:orgId/<table>`, behind the auth, tenant and org guards,
 * with `can` from the declared rules.
 */
export function registerEntityRoutes(fastify: FastifyInstance, definition: AnyEntity): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const { table, type: entityType, list } = definition
  const rules = definition.rules ?? defaultRules
  const path = `/:tenantId/:orgId/${table}`
  const tags = [table]
  const config = { guards: ['auth', 'tenant', 'org'] as ['auth', 'tenant', 'org'] }
  // Field versions (off by default): bodies take `stx`, the DTO carries the row's, stale writes may get 409.
  const versioned = definition.fieldVersions !== undefined
  const withCan = definition.dto.extend({ can: canSchema, ...(versioned ? { stx: stxSchema } : {}) })
  const conflicts = versioned ? { 409: errorOf('field_version_conflict', 'mutation_id_reused') } : {}
  const ref = (row: AnyRow): EntityRef => ({ rules, organizationId: row.organization_id, row })
  // Object.assign, not spread: V8 copies a DTO into an object literal with more keys ~4× slower (a list presents 20).
  const present = (row: AnyRow, can: Can) =>
    Object.assign({}, definition.toDto(row), versioned ? { can, stx: stxOf(definition, row) } : { can }) as z.infer<typeof withCan>
  const forbidden = (action: string) => new AppError(403, 'forbidden', 'warn', { message: `Not allowed to ${action} this ${entityType}`, entityType })
  const from = (scoped: ScopedDb) => {
    const { db, table } = entityTable(scoped, definition)
    return db.selectFrom(table)
  }
  const subjectOf = (request: { subject: Subject | null }) => request.subject!
  const useCache = definition.cache !== false

  const findOne = async (db: ScopedDb, organizationId: string, id: string) =>
    await from(db).selectAll().where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst() as AnyRow | undefined
  // Read-your-writes: this instance's cache forgets what it wrote once the write is visible,
  // without waiting for the CDC event (which may come late, or never without a worker).
  const forgetOnCommit = (request: FastifyRequest, ids: string[]) => request.afterCommit(async () => {
    for (const id of ids) fastify.entityCache?.invalidate(entityType, id)
  })

  app.post(path, {
    config,
    schema: { tags, summary: `Create a ${entityType}`, params: orgParams, body: versioned ? withStx(definition.create) : definition.create, response: { 201: withCan, 400: errorSchema, ...guardErrors, ...conflicts } },
  }, async (request, reply) => {
    const organization = request.organization!
    const subject = subjectOf(request)
    if (!getAllowedActions(subject, { rules, organizationId: organization.id }).create) throw forbidden('create')
    const id = uuid()
    const mutation = versioned ? await FieldMutation.begin(definition, request, 'create', id) : null
    if (mutation?.replay) return sendReplay(reply, mutation.replay) as z.infer<typeof withCan>
    const { db, table } = entityTable(request.db, definition)
    const row = await db.insertInto(table).values({
      ...definition.toColumns(mutation?.fields ?? request.body), ...mutation?.createdColumns(),
      id, tenant_id: organization.tenant_id, organization_id: organization.id, created_by: request.user!.id,
    }).returningAll().executeTakeFirstOrThrow() as AnyRow
    reply.code(201)
    const created = present(row, getAllowedActions(subject, ref(row)))
    return mutation ? await mutation.remember(201, created) : created
  })

  const sortKeys = Object.keys(list.sort) as [string, ...string[]]
  const listQuery = paginationQuery.extend({ sort: z.enum(sortKeys).default(sortKeys[0]), ...list.filters })
  type Filters = Array<readonly [string, unknown]>
  /** The organization's rows that match a search pattern and filters (values, or a template's stand-ins). */
  const matchesOf = (db: ScopedDb, organizationId: string, pattern: string | undefined, filters: Filters) => {
    let base = from(db).where('organization_id', '=', organizationId)
    if (pattern !== undefined) base = base.where(column(list.search!), 'ilike', pattern)
    for (const [name, value] of filters) base = base.where(column(name), '=', value as string)
    return base
  }
  // One round trip: the page, and the total on each row: unfiltered, the maintained count (one
  // row read); filtered and exact, a window over the matches; otherwise counted after.
  type Carry = 'maintained' | 'window' | 'none'
  type PageRow = AnyRow & { full_count: string | null }
  // Each shape of the page query (sort, order, which filters, how the total comes) is built and
  // compiled once; a request binds its values.
  const pageQueries = new Map<string, ReturnType<typeof queryTemplate<PageRow>>>()
  const pageQuery = (sort: string, order: 'asc' | 'desc', searched: boolean, filterNames: string[], carry: Carry) => {
    const shape = `${sort} ${order} ${searched} ${carry} ${filterNames.join(',')}`
    let template = pageQueries.get(shape)
    if (!template) {
      template = queryTemplate<PageRow>((slot) => {
        const total = carry === 'maintained' ? maintainedTotal(slot('organizationId'), entityType) : carry === 'window' ? sql<string>`count(*) over ()` : sql<null>`null`
        return matchesOf(fastify.db, slot('organizationId'), searched ? slot('pattern') : undefined, filterNames.map((name) => [name, slot(`filter:${name}`)]))
          .selectAll().select(total.as('full_count'))
          .orderBy(column(list.sort[sort]!), order).orderBy('id', order).limit(slot('limit')).offset(slot('offset'))
      })
      pageQueries.set(shape, template)
    }
    return template
  }
  app.get(path, {
    config,
    schema: { tags, summary: `List ${table} of the organization`, params: orgParams, querystring: listQuery, response: { 200: listOf(withCan), 400: errorSchema, ...guardErrors } },
  }, async (request, reply) => {
    const query = request.query as z.infer<typeof listQuery>
    const organizationId = request.organization!.id
    const pattern = query.q && list.search ? containsPattern(query.q) : undefined
    const filters: Filters = (list.filter?.(query) ?? []).filter(([, value]) => value !== undefined)
    const filtered = pattern !== undefined || filters.length > 0
    const preferred = countPreference(request.headers.prefer)
    const method = preferred ?? 'exact'
    const carry: Carry = !filtered ? 'maintained' : method === 'exact' ? 'window' : 'none'
    const values: Record<string, unknown> = { organizationId, pattern, limit: query.limit, offset: query.offset }
    for (const [name, value] of filters) values[`filter:${name}`] = value
    const compiled = pageQuery(query.sort, query.order, pattern !== undefined, filters.map(([name]) => name), carry)(values)
    // The rows keep their `full_count`: `toDto` reads only its columns.
    const { rows } = await request.db.executeQuery(compiled)
    const carried = rows[0]?.full_count
    // Past the end no row carries the total; an empty first page has none; a caller who may not
    // read the maintained count (RLS) sees only some rows: count what they see.
    const known = carried ?? (!filtered && rows.length === 0 && query.offset > 0
      ? (await request.db.selectNoFrom(maintainedTotal(organizationId, entityType).as('n')).executeTakeFirstOrThrow()).n
      : null)
    const total = known != null ? Number(known)
      : rows.length === 0 && query.offset === 0 ? 0
      : await countMatches(request.db, matchesOf(request.db, organizationId, pattern, filters), method)
    if (preferred) reply.header('preference-applied', `count=${known != null && !filtered ? 'exact' : method}`)
    const cans = getAllowedActionsBatch(subjectOf(request), rows.map(ref))
    return { items: rows.map((row, i) => present(row, cans[i]!)), total }
  })

  // A cached row is the same object on every hit, and `can` one of sixteen sets of rights: the
  // answer for a row and a set is written once, by the route's own serializer (so only what the
  // schema declares), and sent as that text on every later hit with the same rights.
  const written = new WeakMap<AnyRow, Map<number, string>>()
  const rightsKey = (can: Can) => (can.create ? 1 : 0) | (can.read ? 2 : 0) | (can.update ? 4 : 0) | (can.delete ? 8 : 0)
  const answerRead = (request: FastifyRequest, reply: FastifyReply, row: AnyRow | undefined, source: string): void => {
    reply.header('x-cache', source)
    const organization = request.organization!
    if (!row || row.organization_id !== organization.id) throw entityNotFound(definition)
    const can = getAllowedActions(subjectOf(request), ref(row))
    if (!can.read) throw entityNotFound(definition)
    let byRights = written.get(row)
    if (!byRights) {
      byRights = new Map()
      written.set(row, byRights)
    }
    const key = rightsKey(can)
    let json = byRights.get(key)
    if (json === undefined) {
      json = reply.serialize(present(row, can)) as string
      byRights.set(key, json)
    }
    reply.type('application/json; charset=utf-8').send(json)
  }

  // The hot read (SPEC §9): served from the entity cache when it is on (and the entity did not
  // opt out), re-authorized on every hit; a miss runs one query in the caller's RLS context,
  // shared by concurrent identical reads.
  app.get(`${path}/:id`, {
    config: { ...config, rlsTransaction: false },
    schema: { tags, summary: `Read a ${entityType}`, params: entityParams, response: { 200: withCan, ...guardErrors, 404: errorOf(`${entityType}_not_found`) } },
  }, (request, reply) => {
    const cache = useCache ? fastify.entityCache : null
    // A hit answers synchronously: no promise, no microtask.
    const hit = cache?.cached(entityType, request.params.id) as AnyRow | undefined
    if (hit) return answerRead(request, reply, hit, 'HIT')
    const organization = request.organization!
    const load = () => withContext(fastify.db, request.rlsContext!, (trx) => findOne(trx, organization.id, request.params.id))
    // Only callers of the same organization share a query: they all see the same rows.
    const read = cache
      ? cache.readThrough(entityType, request.params.id, organization.id, load) as Promise<{ row: AnyRow | undefined; source: string }>
      : load().then((row) => ({ row, source: 'MISS' }))
    return read.then(({ row, source }) => answerRead(request, reply, row, source))
  })

  app.put(`${path}/:id`, {
    config,
    schema: { tags, summary: `Update a ${entityType}`, params: entityParams, body: versioned ? withStx(definition.update) : definition.update, response: { 200: withCan, 400: errorSchema, ...guardErrors, 404: errorOf(`${entityType}_not_found`), ...conflicts } },
  }, async (request, reply) => {
    const subject = subjectOf(request)
    // A replay answers first, whatever became of the row since.
    const mutation = versioned ? await FieldMutation.begin(definition, request, 'update', request.params.id) : null
    if (mutation?.replay) return sendReplay(reply, mutation.replay) as z.infer<typeof withCan>
    const row = await findOne(request.db, request.organization!.id, request.params.id)
    if (!row) throw entityNotFound(definition)
    if (!getAllowedActions(subject, ref(row)).update) throw forbidden('update')
    const { db, table } = entityTable(request.db, definition)
    const updated = await db.updateTable(table)
      .set({ ...definition.toColumns(mutation?.fields ?? request.body), ...await mutation?.updatedColumns(row.id), updated_at: new Date() })
      .where('id', '=', row.id).returningAll().executeTakeFirstOrThrow() as AnyRow
    forgetOnCommit(request, [updated.id])
    const result = present(updated, getAllowedActions(subject, ref(updated)))
    return mutation ? await mutation.remember(200, result) : result
  })

  app.delete(path, {
    config,
    schema: { tags, summary: `Delete ${table}; ids I may not delete are returned in rejectedIds`, params: orgParams, body: idsBody, response: { 200: batchResult(z.object({ id: z.uuid() })), 400: errorSchema, ...guardErrors } },
  }, async (request) => {
    const subject = subjectOf(request)
    const rows = await from(request.db).selectAll().where('organization_id', '=', request.organization!.id)
      .where('id', 'in', request.body.ids).execute() as AnyRow[]
    const allowed = rows.filter((row) => getAllowedActions(subject, ref(row)).delete).map((row) => row.id)
    const { db, table } = entityTable(request.db, definition)
    const deleted = allowed.length
      ? await db.deleteFrom(table).where('id', 'in', allowed).returning('id').execute()
      : []
    forgetOnCommit(request, deleted.map((d) => d.id))
    const done = new Set(deleted.map((d) => d.id))
    return { data: deleted, rejectedIds: request.body.ids.filter((id) => !done.has(id)) }
  })
}
