import type { z } from 'zod'

/**
 * The one declaration of an org-scoped entity (pages, attachments, a plugin author's tasks).
 * Everything Strata does for an entity is derived from it: the routes and their permissions,
 * OpenAPI, the database side (policies, grants, triggers, publication), the CDC mapping, stream
 * delivery, the entity cache and the catalog check.
 */

export type EntityAction = 'create' | 'read' | 'update' | 'delete'

/**
 * What a plain member of the entity's organization may do: always, never, or only with rows
 * whose `ownedBy` column holds their user id. Organization admins and system admins may do
 * everything; users outside the organization nothing. The same rule becomes the SQL policy and
 * the `can` of the API, so the two cannot disagree.
 */
export type MemberRule = boolean | { ownedBy: string }

export type EntityRules = Record<EntityAction, MemberRule>

/** Today's page rules: members create, read and update; they delete what they created. */
export const defaultRules: EntityRules = { create: true, read: true, update: true, delete: { ownedBy: 'created_by' } }

/** Columns every org-scoped entity table has (the migration helper checks them). */
export interface EntityRow {
  id: string
  tenant_id: string
  organization_id: string
  created_by: string | null
  created_at: Date
  updated_at: Date
}

/**
 * Per-field versions for offline-first clients (docs/entities.md, "Field versions"): every
 * mutation bumps the versions of the fields it writes, and one whose base version of a field is
 * stale meets the declared policy.
 */
export interface FieldVersionsOption {
  /** `reject`: 409 `field_version_conflict`, nothing applied; `lastWriterWins`: applied anyway (arrival order). */
  onStale: 'reject' | 'lastWriterWins'
}

/** An opt-in anonymous read of one tenant's rows, e.g. published pages with public access. */
export interface PublicRead<Row> {
  /** SQL condition on the entity's table for the public RLS context (column names only). */
  sql: string
  /** The same condition on a row in memory (used by streams to see a row leave the public view). */
  matches(row: Row): boolean
}

export interface EntityDefinition<
  Row extends EntityRow = EntityRow,
  Dto extends z.ZodObject = z.ZodObject,
  Create extends z.ZodType = z.ZodType,
  Update extends z.ZodType = z.ZodType,
  Filters extends z.ZodRawShape = z.ZodRawShape,
> {
  /** Entity type in events and errors, singular: `page`, `task` (`[a-z][a-z0-9_]*`). */
  type: string
  /** Table in the `public` schema; also the URL segment (`/:tenantId/:orgId/<table>`). */
  table: string
  /** The entity as the API returns it (without `can`); give it `.meta({ id })` for OpenAPI. */
  dto: Dto
  /**
   * Request bodies. Give each `.meta({ example })`: OpenAPI shows it, and the conformance suite
   * (test/entities/conformance.test.ts) creates and updates rows from it (the update example
   * must change what `dto` shows).
   */
  create: Create
  update: Update
  toDto(row: Row): z.infer<Dto>
  /** Columns to write for a create or update body (only the fields present). */
  toColumns(body: z.infer<Create> | z.infer<Update>): Partial<Row>
  list: {
    /** Query value → column, the first is the default sort. */
    sort: Record<string, keyof Row & string>
    /** Column searched by `q` (contains, case-insensitive). */
    search?: keyof Row & string
    /** Extra querystring filters and the equality conditions they become. */
    filters?: Filters
    filter?(query: z.infer<z.ZodObject<Filters>>): Array<[keyof Row & string, unknown]>
  }
  /** What plain members may do; default `defaultRules`. */
  rules?: EntityRules
  publicRead?: PublicRead<Row>
  /** Serve single reads from the entity cache (when the cache is on); default true. */
  cache?: boolean
  /** Field versions and mutation ids (off by default); the table needs `applyFieldVersions`. */
  fieldVersions?: FieldVersionsOption
}

/** Strata's own activity types: streams route them by their own rules (a membership's role, an invitee). */
const reservedTypes = new Set(['tenant', 'organization', 'membership', 'invitation'])

/**
 * Declares an entity. An identity function: it exists so the declaration is type-checked and
 * its row, DTO and body types are inferred where it is written.
 */
export function defineEntity<Row extends EntityRow, Dto extends z.ZodObject, Create extends z.ZodType, Update extends z.ZodType, Filters extends z.ZodRawShape = Record<never, never>>(
  definition: EntityDefinition<Row, Dto, Create, Update, Filters>,
): EntityDefinition<Row, Dto, Create, Update, Filters> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(definition.type)) throw new Error(`entity type "${definition.type}" must match [a-z][a-z0-9_]*`)
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(definition.table)) throw new Error(`entity table "${definition.table}" must match [a-z][a-z0-9_]*`)
  if (reservedTypes.has(definition.type)) throw new Error(`entity type "${definition.type}" is Strata's own (${[...reservedTypes].join(', ')} are reserved)`)
  return definition
}

/** A declaration with its types erased, as the registry holds it. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds entities of every row type
export type AnyEntity = EntityDefinition<any, z.ZodObject, z.ZodType, z.ZodType, z.ZodRawShape>

/**
 * Entity types and their DTOs, for typed events and stream payloads. Authors add theirs by
 * declaration merging:
 *
 * ```ts
 * declare module 'strata/entities' { interface StrataEntities { task: TaskDto } }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by each entity's module
export interface StrataEntities {}
