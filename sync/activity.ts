import { z } from 'zod'

/** Notified (payload: the last cursor) after each committed batch; every API instance listens. */
export const activitiesChannel = 'strata_activities'

/** Notified with a cache key (`session:<hash>`, …) that every API instance must forget. */
export const invalidationChannel = 'strata_invalidate'

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
}

export function toActivityMessage(row: ActivityRow): ActivityMessage {
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
  }
}
