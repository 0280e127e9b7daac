import { z } from 'zod'
import { type Stx, stxSchema } from '../entities/field-versions.js'

/** Notified (payload: the last cursor) after each committed batch; every API instance listens. */
export const activitiesChannel = 'strata_activities'

/** Notified with a cache key (`session:<hash>`, …) that every API instance must forget. */
export const invalidationChannel = 'strata_invalidate'

/** On `invalidationChannel`: `user:<id>`, a user whose system role changed (migration 0019). */
export const userChangedPrefix = 'user:'

/** An entity type: `page`, an author's `task` (the pattern `defineEntity` enforces). */
export const entityTypePattern = /^[a-z][a-z0-9_]{0,62}$/

/**
 * One change of one entity, as it travels from the CDC worker to the API and on to streams.
 * `cursor` orders every activity in commit order and identifies it (SPEC §7, §8).
 */
export const activityMessage = z.object({
  cursor: z.string().min(1).max(64),
  action: z.enum(['create', 'update', 'delete']),
  /** Strata's own (`tenant`, `organization`, `membership`, `invitation`) or a registered entity's. */
  entityType: z.string().regex(entityTypePattern),
  entityId: z.string().min(1),
  tenantId: z.string().min(1),
  organizationId: z.string().nullable(),
  /** The member concerned (memberships, invitations). */
  userId: z.string().nullable(),
  seq: z.number().int().nullable(),
  changedFields: z.array(z.string()).nullable(),
  createdAt: z.string(),
})

export type ActivityMessage = z.infer<typeof activityMessage>
export type EntityType = ActivityMessage['entityType']
export type Action = ActivityMessage['action']

/** A row image as stored in the change log (column → JSON value). */
export type RowImage = Record<string, unknown>

/**
 * An activity as the API holds it: the message, and the row it was recorded with. Neither extra
 * field travels as is: streams send the wire shape of `changeEvent`.
 */
export interface Activity extends ActivityMessage {
  /** The row after a create or update, before a delete (entities and memberships; else null). */
  row: RowImage | null
  /** The entity's DTO (a create or update of a registered entity): an event's `data`. */
  data?: unknown
  /** Field versions and last mutation (a create or update of an entity with `fieldVersions`). */
  stx?: Stx
  /** An owner-only row's previous owner, when this change moved it away from them (migration 0020). */
  leftOwner: string | null
}

/** A change as streams send it (SPEC §7): the message, with `data` where the stream may have it. */
export const changeEvent = activityMessage.extend({
  data: z.record(z.string(), z.unknown()).optional()
    .describe('the entity as the API returns it (without `can`): creates and updates of an entity, for readers allowed to read it'),
  stx: stxSchema.optional()
    .describe('with `data`, for entities with field versions: the mutation that made the change and the versions of the fields after it'),
})

export type ChangeEvent = z.infer<typeof changeEvent>

/** The wire shape of an activity: no row image; `data` (and `stx`) only when it has them. */
export function toChangeEvent(activity: Activity): ChangeEvent {
  const { row: _row, leftOwner: _leftOwner, data, stx, ...message } = activity
  if (data === undefined) return message
  return stx === undefined ? { ...message, data: data as Record<string, unknown> } : { ...message, data: data as Record<string, unknown>, stx }
}

/** The most activities one ingest message may carry; larger transactions go in several. */
export const maxIngestBatch = 10_000

/**
 * What the worker sends over `/internal/cdc`: one committed batch, and the cursor before it. The
 * API takes it as a wake-up only (it publishes what it reads from the change log, never this).
 */
export const ingestMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('batch'),
    batchId: z.string().min(1).max(100),
    /** Cursor of the last activity the worker committed before this batch ('' at the start). */
    previousCursor: z.string().max(64),
    activities: z.array(activityMessage).min(1).max(maxIngestBatch),
  }),
])

export type IngestMessage = z.infer<typeof ingestMessage>

export interface ActivityRow {
  id: string
  tenant_id: string
  organization_id: string | null
  user_id: string | null
  entity_type: string
  entity_id: string
  action: Action
  seq: string | number | null
  changed_fields: string[] | null
  created_at: Date | string
  row_data: RowImage | null
  left_owner: string | null
}

export function toActivity(row: ActivityRow): Activity {
  return {
    cursor: row.id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    tenantId: row.tenant_id,
    organizationId: row.organization_id,
    userId: row.user_id,
    seq: row.seq === null ? null : Number(row.seq),
    changedFields: row.changed_fields,
    createdAt: new Date(row.created_at).toISOString(),
    row: row.row_data,
    leftOwner: row.left_owner,
  }
}
