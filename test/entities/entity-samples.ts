import { type Kysely, sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { z } from 'zod'
import type { AnyEntity, MemberRule } from '../../entities/definition.js'

/**
 * Rows and bodies of any registered entity, derived from its declaration alone, so the
 * conformance suite covers an entity as soon as it is registered. The samples are the OpenAPI
 * examples of the declaration's schemas: `create.meta({ example })` (a valid create body) and
 * `update.meta({ example })` (a valid update body that changes what the entity returns).
 */
export function samples(definition: AnyEntity) {
  const example = (schema: z.ZodType, name: 'create' | 'update') => {
    const value = schema.meta()?.example
    if (value === undefined) throw new Error(`entity ${definition.type}: give its ${name} schema an example (.meta({ example }))`)
    return value as Record<string, unknown>
  }
  const create = example(definition.create, 'create')
  const update = example(definition.update, 'update')
  return {
    create,
    update,
    /** Columns of a created row, and of a created then updated one. */
    columns: definition.toColumns(definition.create.parse(create)) as Record<string, unknown>,
    updatedColumns: definition.toColumns(definition.update.parse(update)) as Record<string, unknown>,
    /** A create body the declared schema refuses: a field given a value of the wrong type. */
    invalidCreate: invalidBody(definition.create, create),
    invalidUpdate: invalidBody(definition.update, update),
  }
}

function invalidBody(schema: z.ZodType, valid: Record<string, unknown>): unknown {
  const candidates = [...Object.keys(valid).map((key) => ({ ...valid, [key]: { wrong: 'type' } })), [], 'text']
  const invalid = candidates.find((body) => !schema.safeParse(body).success)
  if (invalid === undefined) throw new Error('no invalid body found for a schema that accepts anything')
  return invalid
}

export interface RowPlace {
  tenantId: string
  organizationId: string
  createdBy: string
}

/** Inserts a row as written by `db` (any role, any RLS context); returns its id. */
export async function insertRow<T>(db: Kysely<T>, definition: AnyEntity, place: RowPlace, columns: Record<string, unknown>): Promise<string> {
  const id = uuid()
  const values: Record<string, unknown> = { ...columns, id, tenant_id: place.tenantId, organization_id: place.organizationId, created_by: place.createdBy }
  const names = Object.keys(values)
  await sql`insert into ${sql.table(definition.table)} (${sql.join(names.map((n) => sql.ref(n)))})
    values (${sql.join(names.map((n) => values[n]))})`.execute(db)
  return id
}

/** Sets columns of a row with plain SQL (as whoever `db` is). */
export async function updateRow<T>(db: Kysely<T>, definition: AnyEntity, id: string, columns: Record<string, unknown>) {
  const set = Object.entries(columns).map(([name, value]) => sql`${sql.ref(name)} = ${value}`)
  return sql`update ${sql.table(definition.table)} set ${sql.join(set)} where id = ${id}`.execute(db)
}

export async function selectRow<T>(db: Kysely<T>, definition: AnyEntity, id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(definition.table)} where id = ${id}`.execute(db)
  return rows[0]
}

/** Ids of the table's rows visible to `db`, sorted. */
export async function visibleIds<T>(db: Kysely<T>, definition: AnyEntity, where = sql`true`): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select id from ${sql.table(definition.table)} where ${where} order by id`.execute(db)
  return rows.map((r) => r.id)
}

/** What a plain member may do with `row` under `rule` (org admins may always; outsiders never). */
export function memberMay(rule: MemberRule, row: Record<string, unknown>, userId: string): boolean {
  return rule === true || (rule !== false && row[rule.ownedBy] === userId)
}
