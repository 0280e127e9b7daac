import { type Migration, sql } from 'kysely'
import type { RoleNames } from '../../db/role-names.js'
import { applyEntityIsolation } from '../../entities/isolation.js'
import { tasks } from './task.js'

/**
 * The tasks plugin's migrations, for Strata's `migrations` option: run after Strata's own by the
 * same Migrator, as the admin role. Names start with a letter (Strata's are `NNNN_…`).
 */
export const tasksMigrations = (roles: RoleNames): Record<string, Migration> => ({
  tasks_0001_table: {
    async up(db) {
      await sql`
        create table tasks (
          id uuid primary key default gen_random_uuid(),
          tenant_id text not null,
          organization_id uuid not null,
          title text not null,
          status text not null default 'todo' check (status in ('todo', 'doing', 'done')),
          assignee_id uuid references users (id) on delete set null,
          due_at timestamptz,
          created_by uuid references users (id) on delete set null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        )`.execute(db)
      await sql`create index tasks_organization_due on tasks (organization_id, due_at)`.execute(db)
      // The organization key, RLS and the policies of the declared rules, immutability, grants,
      // the change feed: everything tenant isolation needs, from the declaration.
      await applyEntityIsolation(db, tasks, roles)
    },
  },
})
