import { z } from 'zod'
import type { Membership, User } from '../db/schema.js'
import { changeEvent } from '../sync/activity.js'
import { examples } from './examples.js'

/** zod schemas shared by several route folders; each feeds validation, types and OpenAPI. */

/** Path parameters of every route under an organization (`/:tenantId/:orgId/…`). */
export const orgParams = z.object({ tenantId: z.string(), orgId: z.string() })
/** A tenant id: six characters [a-z0-9], or `main` (single-tenant mode). */
export const tenantIdPattern = /^([a-z0-9]{6}|main)$/
export const tenantIdSchema = z.string().regex(tenantIdPattern, 'a tenant id is 6 characters [a-z0-9]')
export const emailSchema = z.email().max(320)
export const passwordSchema = z.string().min(8).max(100)
export const timestamp = z.iso.datetime({ offset: true })

export const userSchema = z.object({
  id: z.uuid(),
  email: z.email(),
  name: z.string(),
  /** Proven address: required to see and accept invitations addressed to it. */
  emailVerified: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'User', example: examples.user })

export const canSchema = z.object({ create: z.boolean(), read: z.boolean(), update: z.boolean(), delete: z.boolean() })

export const errorSchema = z.object({
  error: z.object({
    status: z.number().int(),
    type: z.string(),
    message: z.string(),
    severity: z.enum(['debug', 'info', 'warn', 'error', 'fatal']),
    entityType: z.string().optional(),
    requestId: z.string(),
    meta: z.record(z.string(), z.unknown()).optional(),
  }),
}).meta({ id: 'Error' })

/**
 * The error shape, documented with the `type` values this response may carry besides those of the
 * route's guards and input, which the OpenAPI document adds itself (lib/openapi-operations.ts).
 */
export const errorOf = (...types: [string, ...string[]]) => errorSchema.meta({ 'x-error-types': types })

/** Error responses a guarded route may give; documented only where its guards may answer them. */
const guardError = errorSchema.meta({ 'x-error-types': [] })
export const guardErrors = { 401: guardError, 403: guardError, 404: guardError } as const

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(40),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().max(200).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
})

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() })


export function toUserDto(user: User): z.infer<typeof userSchema> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.email_verified_at !== null,
    createdAt: user.created_at.toISOString(),
    updatedAt: user.updated_at.toISOString(),
  }
}

/** `{ ids }` of a batch delete and its `{ data, rejectedIds }` answer (SPEC §5). */
export const idsBody = z.object({ ids: z.array(z.uuid()).min(1).max(1000) })
  .meta({ example: { ids: ['0192f0c1-7a3e-7c44-9b1f-2d0b6f7e8a11'] } })
export const batchResult = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), rejectedIds: z.array(z.string()) })

export const membershipRole = z.enum(['admin', 'member'])

export const membershipSchema = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  organizationId: z.uuid(),
  userId: z.uuid(),
  role: membershipRole,
  displayOrder: z.number().int(),
  archived: z.boolean(),
  muted: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
  can: canSchema,
}).meta({ id: 'Membership' })

export function toMembershipDto(m: Membership, can: z.infer<typeof canSchema>): z.infer<typeof membershipSchema> {
  return {
    id: m.id, tenantId: m.tenant_id, organizationId: m.organization_id, userId: m.user_id, role: m.role,
    displayOrder: m.display_order, archived: m.archived, muted: m.muted,
    createdAt: m.created_at.toISOString(), updatedAt: m.updated_at.toISOString(), can,
  }
}

/** One change of a stream, replay or catch-up (SPEC §7): the `data` of an SSE `change` event. */
export const changeSchema = changeEvent.meta({ id: 'Change' })

/**
 * The frames of a `text/event-stream` change stream, one object per SSE event (field → value),
 * for the OpenAPI document and clients generated from it. Comment lines (`: heartbeat`) carry nothing.
 */
export const streamFrameSchema = z.union([
  z.object({
    event: z.literal('change'),
    id: z.string().describe('the change\'s cursor: send it back as Last-Event-ID (or ?offset=) to resume after it'),
    data: changeSchema,
  }).describe('a change, replayed or live, in commit order; never repeated within a stream'),
  z.object({ event: z.literal('offset'), data: z.object({ cursor: z.string() }) })
    .describe('the replay is over: changes after `cursor` are live'),
  z.object({ retry: z.number().int() })
    .describe('reconnect after this many ms (sent on connect and before the server closes the stream)'),
]).meta({ id: 'StreamFrame' })

/** The 200 of a stream route: SSE frames, or with `?live=catchup` the replay as one JSON answer. */
export const streamResponse = (description: string) => ({
  description,
  content: {
    'application/json': { schema: z.object({ activities: z.array(changeSchema), cursor: z.string() }) },
    'text/event-stream': { schema: streamFrameSchema },
  },
})
