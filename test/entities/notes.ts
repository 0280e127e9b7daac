import { type Kysely, sql } from 'kysely'
import { z } from 'zod'
import type { DB } from '../../db/schema.js'
import { defaultRoleNames } from '../../db/role-names.js'
import { type AnyEntity, type EntityRow, defineEntity } from '../../entities/definition.js'
import { applyEntityIsolation } from '../../entities/isolation.js'

/**
 * A throwaway author's entity for the platform's tests: members create and read, only the
 * assignee (or an admin) updates, only admins delete; shared notes are public; no caching.
 */
export interface NoteRow extends EntityRow { body: string; assignee: string | null; shared: boolean }

export const notes = defineEntity({
  type: 'note',
  table: 'notes',
  dto: z.object({ id: z.uuid(), body: z.string(), assignee: z.uuid().nullable(), shared: z.boolean() }).meta({ id: 'Note' }),
  create: z.object({ body: z.string().min(1), shared: z.boolean().default(false) }),
  update: z.object({ body: z.string().min(1) }),
  toDto: (row: NoteRow) => ({ id: row.id, body: row.body, assignee: row.assignee, shared: row.shared }),
  toColumns: (body: { body?: string; shared?: boolean }) => ({
    ...(body.body !== undefined ? { body: body.body } : {}),
    ...(body.shared !== undefined ? { shared: body.shared } : {}),
  }),
  list: { sort: { createdAt: 'created_at', body: 'body' }, search: 'body' },
  rules: { create: true, read: true, update: { ownedBy: 'assignee' }, delete: false },
  publicRead: { sql: 'shared', matches: (row) => row.shared },
  cache: false,
})

/**
 * Creates `notes` bare, as an author's migration would (no key to the organization, no RLS, no
 * grants), then applies the isolation helper, which must supply all of that (for `declaration`: a
 * test may declare the notes with other rules).
 */
export async function createNotesTable(db: Kysely<DB>, declaration: AnyEntity = notes): Promise<void> {
  await sql`
    create table notes (
      id uuid primary key default gen_random_uuid(),
      tenant_id text not null,
      organization_id uuid not null,
      body text not null,
      assignee uuid,
      shared boolean not null default false,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await applyEntityIsolation(db, declaration, defaultRoleNames)
}
