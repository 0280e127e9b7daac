import { z } from 'zod'
import type { Page } from '../db/schema.js'
import { examples } from '../lib/examples.js'
import { isoTimestamp } from '../lib/iso-timestamp.js'
import { timestamp } from '../lib/schemas.js'
import { defaultRules, defineEntity } from './definition.js'

export const pageStatus = z.enum(['draft', 'published', 'archived'])

export const pageSchema = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  organizationId: z.uuid(),
  title: z.string(),
  content: z.string(),
  status: pageStatus,
  publicAccess: z.boolean(),
  createdBy: z.uuid().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'Page', example: (({ can: _can, ...page }) => page)(examples.page) })

export type PageDto = z.infer<typeof pageSchema>

export const createPageBody = z.object({
  title: z.string().trim().min(1).max(500),
  content: z.string().max(200_000).default(''),
  status: pageStatus.default('draft'),
  publicAccess: z.boolean().default(false),
}).meta({ example: { title: examples.page.title, content: examples.page.content, status: 'published', publicAccess: false } })

export const updatePageBody = z.object({
  title: z.string().trim().min(1).max(500).optional(),
  content: z.string().max(200_000).optional(),
  status: pageStatus.optional(),
  publicAccess: z.boolean().optional(),
}).refine((b) => Object.values(b).some((v) => v !== undefined), 'at least one field is required')
  .meta({ example: { status: 'published', publicAccess: true } })

export function toPageDto(p: Page): PageDto {
  return {
    id: p.id, tenantId: p.tenant_id, organizationId: p.organization_id, title: p.title, content: p.content,
    status: p.status, publicAccess: p.public_access, createdBy: p.created_by,
    createdAt: isoTimestamp(p.created_at), updatedAt: isoTimestamp(p.updated_at),
  }
}

export function toPageColumns(body: Partial<z.infer<typeof createPageBody>>): Partial<Page> {
  return {
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.content !== undefined ? { content: body.content } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.publicAccess !== undefined ? { public_access: body.publicAccess } : {}),
  }
}

/** Pages of an organization: CRUD with status and public access (SPEC §5). */
export const pages = defineEntity({
  type: 'page',
  table: 'pages',
  dto: pageSchema,
  create: createPageBody,
  update: updatePageBody,
  toDto: toPageDto,
  toColumns: toPageColumns,
  list: {
    sort: { createdAt: 'created_at', title: 'title', updatedAt: 'updated_at', status: 'status' },
    search: 'title',
    filters: { status: pageStatus.optional() },
    filter: (query) => [['status', query.status]],
  },
  rules: defaultRules,
  publicRead: { sql: "public_access and status = 'published'", matches: (row) => row.public_access && row.status === 'published' },
})

declare module './definition.js' {
  interface StrataEntities {
    page: PageDto
  }
}
