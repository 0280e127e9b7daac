import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Kysely, sql } from 'kysely'
import { stringify as stableJson } from 'safe-stable-stringify'
import { z } from 'zod'
import type { ScopedDb } from '../db/rls.js'
import { AppError } from '../lib/errors.js'
import { sha256 } from '../lib/secrets.js'
import type { AnyEntity, EntityDefinition } from './definition.js'
import type { AnyRow } from './routes.js'

/**
 * Field versions for offline-first clients (issue 17, SPEC §7; docs/entities.md): an entity
 * declared with `fieldVersions` keeps, in its own table (`applyFieldVersions`), a version per
 * field and the id and source of the last mutation. Versions are a per-row counter: a mutation
 * gives every field it writes the row's highest version plus one, under the row's lock. The
 * server is the one place mutations of a row are ordered, so a counter orders them exactly,
 * where a hybrid logical clock would only add client clocks, which offline devices get wrong,
 * and a tie-break. Writes through the API without `stx` bump versions too, so an offline
 * client's edit of a field changed meanwhile is seen as stale; plain SQL does not.
 */

/** What a create or update body may carry under `stx`. */
export const stxInput = z.object({
  /** Chosen by the client, unique per tenant: a replay of it returns the first result. */
  mutationId: z.string().min(1).max(200),
  /** The client (device, tab) that made the mutation, so it recognises the echo of its own write. */
  sourceId: z.string().min(1).max(200),
  /** Update: the version of each field it writes, as the client last saw it. Create: none. */
  baseVersions: z.record(z.string(), z.number().int().min(0)).default({}),
}).strict().meta({ example: { mutationId: '0195f3c1-7a40-7c2e-9b1d-3f0e8a6d2c11', sourceId: 'phone-7f3a', baseVersions: { title: 3 } } })

type StxInput = z.infer<typeof stxInput>

/** The versions of an entity's row, in its DTO and in its change events. */
export const stxSchema = z.object({
  mutationId: z.string().nullable(),
  sourceId: z.string().nullable(),
  fieldVersions: z.record(z.string(), z.number().int()),
}).meta({ id: 'Stx', example: { mutationId: '0195f3c1-7a40-7c2e-9b1d-3f0e8a6d2c11', sourceId: 'phone-7f3a', fieldVersions: { title: 4, status: 2 } } })

export type Stx = z.infer<typeof stxSchema>

type Versions = Record<string, number>

/**
 * A row's `stx_versions`: jsonb as a driver or a row image gives it (object or JSON text). Plain SQL
 * can write any jsonb there: what is no object of integers reads as no versions (never a throw,
 * which would stall every tenant's change events at that row), and the next versioned write
 * starts them again.
 */
function versionsOf(row: Record<string, unknown>): Versions {
  let value = row.stx_versions
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return {}
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {}
  for (const version of Object.values(value)) if (!Number.isSafeInteger(version)) return {}
  return value as Versions
}

/**
 * The field versions and last mutation of a row (snake_case, as the table, the change log's row
 * image or a driver gives it), or undefined for an entity without field versions.
 */
export function stxOf(definition: Pick<EntityDefinition, 'fieldVersions'>, row: Record<string, unknown>): Stx | undefined {
  if (!definition.fieldVersions) return undefined
  return {
    mutationId: (row.stx_mutation_id as string | null | undefined) ?? null,
    sourceId: (row.stx_source_id as string | null | undefined) ?? null,
    fieldVersions: versionsOf(row),
  }
}

/** A body schema that also takes `stx` (the author's object schema must not be `.strict()`). */
export const withStx = <T extends z.ZodType>(body: T) => z.intersection(body, z.object({ stx: stxInput.optional() }))

interface FieldMutationsTable {
  tenant_id: string
  mutation_id: string
  organization_id: string
  user_id: string
  entity_type: string
  entity_id: string
  request_hash: string
  status_code: number | null
  response: string | null
}
// migrations/0017_field_versions.ts; not in db/schema.ts, which is the core's tables.
const mutationsTable = (db: ScopedDb) => db as unknown as Kysely<{ field_mutations: FieldMutationsTable }>

const invalidStx = (message: string) =>
  new AppError(400, 'validation_error', 'warn', { message: `Invalid body.stx.baseVersions: ${message}`, meta: { issues: [{ field: 'body.stx.baseVersions', message }] } })

export interface FirstResult {
  status: number
  body: unknown
}

/**
 * One create or update of a field-versioned entity, from its request: the author's fields, and,
 * when the body carries `stx`, the mutation id reserved in the request's transaction, or the
 * first result of that id.
 */
export class FieldMutation {
  /** The first result of this mutation id: answer it, change nothing. */
  replay?: FirstResult
  private constructor(
    private readonly definition: AnyEntity,
    private readonly db: ScopedDb,
    private readonly key: { tenant_id: string; mutation_id: string } | null,
    readonly fields: Record<string, unknown>,
    private readonly stx: StxInput | undefined,
  ) {}

  /** Splits and checks the body, then reserves the mutation id or finds its first result. */
  static async begin(definition: AnyEntity, request: FastifyRequest, action: 'create' | 'update', entityId: string): Promise<FieldMutation> {
    const { stx, ...fields } = request.body as Record<string, unknown> & { stx?: StxInput }
    const written = Object.keys(fields).filter((field) => fields[field] !== undefined)
    if (stx) {
      const bases = Object.keys(stx.baseVersions)
      if (action === 'create' && bases.length > 0) throw invalidStx('a create has no base versions')
      const missing = action === 'update' ? written.filter((field) => !(field in stx.baseVersions)) : []
      if (missing.length > 0) throw invalidStx(`no base version of ${missing.join(', ')}`)
      const unwritten = bases.filter((field) => !written.includes(field))
      if (unwritten.length > 0) throw invalidStx(`${unwritten.join(', ')} not written by this mutation`)
    }
    const writtenFields = Object.fromEntries(written.map((field) => [field, fields[field]]))
    if (!stx) return new FieldMutation(definition, request.db, null, writtenFields, undefined)
    const organization = request.organization!
    const key = { tenant_id: organization.tenant_id, mutation_id: stx.mutationId }
    const mutation = new FieldMutation(definition, request.db, key, writtenFields, stx)
    // Where it was sent counts: the same body sent to another organization is another request.
    // Keys sorted: a client that serializes the same mutation in another order replays it.
    const requestHash = sha256(stableJson([definition.type, action, organization.id, action === 'update' ? entityId : null, request.body]))
    const db = mutationsTable(request.db)
    // A concurrent request with the same id waits here until the first commits, then replays it.
    const reserved = await db.insertInto('field_mutations').values({
      ...key, organization_id: organization.id, user_id: request.user!.id, entity_type: definition.type, entity_id: entityId, request_hash: requestHash,
    }).onConflict((oc) => oc.columns(['tenant_id', 'mutation_id']).doNothing()).returning('mutation_id').executeTakeFirst()
    if (reserved) return mutation
    // RLS shows only the caller's own mutations: another user's id is as unknown as a reused one.
    const first = await db.selectFrom('field_mutations').select(['request_hash', 'status_code', 'response'])
      .where('tenant_id', '=', key.tenant_id).where('mutation_id', '=', key.mutation_id).executeTakeFirst()
    if (!first || first.request_hash !== requestHash || first.status_code === null) {
      throw new AppError(409, 'mutation_id_reused', 'warn', { entityType: definition.type, message: 'This mutation id was used for another request' })
    }
    mutation.replay = { status: first.status_code, body: first.response }
    return mutation
  }

  private get lastMutation() {
    return { stx_mutation_id: this.stx?.mutationId ?? null, stx_source_id: this.stx?.sourceId ?? null }
  }

  /** Columns of a created row: version 1 of every field it writes. */
  createdColumns(): Record<string, unknown> {
    return { stx_versions: JSON.stringify(Object.fromEntries(Object.keys(this.fields).map((field) => [field, 1]))), ...this.lastMutation }
  }

  /**
   * Columns of an update of row `id`, read under its lock (concurrent mutations of a row apply one
   * after the other, each against the versions the previous one left). A field whose base version
   * is not the current one is stale: the declared policy rejects the whole mutation (409, the
   * conflicting fields with their current values and versions) or applies it (last writer wins).
   */
  async updatedColumns(id: string): Promise<Record<string, unknown>> {
    const { definition, stx } = this
    const { rows: [current] } = await sql<AnyRow>`select * from ${sql.table(definition.table)} where id = ${id} for update`.execute(this.db)
    if (!current) throw new AppError(404, `${definition.type}_not_found`, 'info', { entityType: definition.type })
    const versions = versionsOf(current)
    const written = Object.keys(this.fields)
    const stale = stx ? written.filter((field) => (versions[field] ?? 0) !== stx.baseVersions[field]) : []
    if (stx && stale.length > 0 && definition.fieldVersions?.onStale === 'reject') {
      const dto = definition.toDto(current) as Record<string, unknown>
      throw new AppError(409, 'field_version_conflict', 'info', {
        entityType: definition.type,
        message: `Changed since the base version: ${stale.join(', ')}`,
        meta: { conflicts: stale.map((field) => ({ field, baseVersion: stx.baseVersions[field], version: versions[field] ?? 0, value: dto[field] ?? null })) },
      })
    }
    const next = Math.max(0, ...Object.values(versions)) + 1
    return { stx_versions: JSON.stringify({ ...versions, ...Object.fromEntries(written.map((field) => [field, next])) }), ...this.lastMutation }
  }

  /** Remembers the result under the mutation id (in the same transaction as the change); returns it. */
  async remember<T>(status: number, body: T): Promise<T> {
    if (this.key) {
      await mutationsTable(this.db).updateTable('field_mutations').set({ status_code: status, response: JSON.stringify(body) })
        .where('tenant_id', '=', this.key.tenant_id).where('mutation_id', '=', this.key.mutation_id).execute()
    }
    return body
  }
}

/** Answers a replayed mutation with its first result. */
export function sendReplay(reply: FastifyReply, replay: FirstResult): unknown {
  reply.code(replay.status).header('mutation-replayed', 'true')
  return replay.body
}
