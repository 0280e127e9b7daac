import { z } from 'zod'
import { defineEntity, type EntityRow } from '../../entities/definition.js'

/** The tasks of an organization: an author's entity, declared once (docs/entities.md). */

/** The `tasks` table's columns, as the database returns them. */
export interface TaskRow extends EntityRow {
  title: string
  status: 'todo' | 'doing' | 'done'
  assignee_id: string | null
  due_at: Date | null
}

const status = z.enum(['todo', 'doing', 'done'])

/** A task as the API returns it. */
export const taskDto = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  title: z.string(),
  status,
  assigneeId: z.uuid().nullable(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
}).meta({ id: 'Task' })

export type TaskDto = z.infer<typeof taskDto>

// The examples document the API and give the conformance suite a valid body to send.
const createTask = z.object({
  title: z.string().trim().min(1).max(200),
  status: status.default('todo'),
  assigneeId: z.uuid().nullable().default(null),
  dueAt: z.iso.datetime({ offset: true }).nullable().default(null),
}).meta({ example: { title: 'Write the release notes', status: 'todo', assigneeId: null, dueAt: '2026-03-01T17:00:00.000Z' } })

const updateTask = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  status: status.optional(),
  dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
}).refine((body) => Object.values(body).some((value) => value !== undefined), 'at least one field is required')
  .meta({ example: { status: 'done' } })

export const tasks = defineEntity({
  type: 'task',
  table: 'tasks',
  dto: taskDto,
  create: createTask,
  update: updateTask,
  toDto: (row: TaskRow): TaskDto => ({
    id: row.id, organizationId: row.organization_id, title: row.title, status: row.status, assigneeId: row.assignee_id,
    dueAt: row.due_at?.toISOString() ?? null, createdBy: row.created_by,
    createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(),
  }),
  toColumns: (body: Partial<z.infer<typeof createTask>>): Partial<TaskRow> => ({
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.assigneeId !== undefined ? { assignee_id: body.assigneeId } : {}),
    ...(body.dueAt !== undefined ? { due_at: body.dueAt === null ? null : new Date(body.dueAt) } : {}),
  }),
  list: {
    sort: { dueAt: 'due_at', createdAt: 'created_at', title: 'title', status: 'status' },
    search: 'title',
    filters: { status: status.optional(), assigneeId: z.uuid().optional() },
    filter: (query) => [['status', query.status], ['assignee_id', query.assigneeId]],
  },
  // Members create and read; only the assignee (or an admin) updates; members delete what they created.
  rules: { create: true, read: true, update: { ownedBy: 'assignee_id' }, delete: { ownedBy: 'created_by' } },
})

// Typed events and stream payloads for `task` (`activityBus.on('task.created', …)`).
declare module '../../entities/definition.js' {
  interface StrataEntities {
    task: TaskDto
  }
}
