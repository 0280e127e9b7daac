import { z } from 'zod'
import type { Attachment } from '../db/schema.js'
import { examples } from '../lib/examples.js'
import { isoTimestamp } from '../lib/iso-timestamp.js'
import { timestamp } from '../lib/schemas.js'
import { defaultRules, defineEntity } from './definition.js'

export const attachmentSchema = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  organizationId: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  key: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'Attachment', example: (({ can: _can, ...attachment }) => attachment)(examples.attachment) })

export type AttachmentDto = z.infer<typeof attachmentSchema>

const contentType = z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as image/png').max(255)

const createAttachmentBody = z.object({
  filename: z.string().trim().min(1).max(255),
  contentType,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  key: z.string().min(1).max(1024),
}).meta({ example: { filename: examples.attachment.filename, contentType: examples.attachment.contentType, size: examples.attachment.size, key: examples.attachment.key } })

const updateAttachmentBody = z.object({
  filename: z.string().trim().min(1).max(255).optional(),
  contentType: contentType.optional(),
}).refine((b) => b.filename !== undefined || b.contentType !== undefined, 'filename or contentType is required')
  .meta({ example: { filename: 'architecture.png' } })

/** Attachment metadata of an organization (no object storage; SPEC §5). */
export const attachments = defineEntity({
  type: 'attachment',
  table: 'attachments',
  dto: attachmentSchema,
  create: createAttachmentBody,
  update: updateAttachmentBody,
  toDto: (a: Attachment): AttachmentDto => ({
    id: a.id, tenantId: a.tenant_id, organizationId: a.organization_id, filename: a.filename, contentType: a.content_type,
    size: Number(a.size), key: a.key, createdBy: a.created_by, createdAt: isoTimestamp(a.created_at), updatedAt: isoTimestamp(a.updated_at),
  }),
  toColumns: (body: Partial<z.infer<typeof createAttachmentBody>>): Partial<Attachment> => ({
    ...(body.filename !== undefined ? { filename: body.filename } : {}),
    ...(body.contentType !== undefined ? { content_type: body.contentType } : {}),
    ...(body.size !== undefined ? { size: String(body.size) } : {}),
    ...(body.key !== undefined ? { key: body.key } : {}),
  }),
  list: {
    sort: { createdAt: 'created_at', filename: 'filename', size: 'size', updatedAt: 'updated_at' },
    search: 'filename',
    filters: { contentType: contentType.optional() },
    filter: (query) => [['content_type', query.contentType]],
  },
  rules: defaultRules,
})

declare module './definition.js' {
  interface StrataEntities {
    attachment: AttachmentDto
  }
}
