import { type Kysely, sql } from 'kysely'
import { all, ctx, memberOf, tenantTablePolicies } from '../db/policies.js'
import type { RoleNames } from '../db/role-names.js'

/**
 * The mutation ids of entities with field versions (issue 17, entities/field-versions.ts): one row
 * per (tenant, mutation id), reserved in the mutation's own transaction and completed with its
 * response there, so a mutation and the memory of its id commit together, and a replay (even a
 * concurrent one, which waits for the first) returns the first result and changes nothing.
 * Tenant-scoped with RLS like every table: a user reads and writes only their own mutations, in
 * organizations they belong to; another tenant's id is another key. `db:maintenance` deletes rows
 * older than the change log's retention (a client away longer must resynchronise anyway).
 */
export function fieldVersions(roles: RoleNames) {
  const runtime = sql.id(roles.runtime)
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`
        create table field_mutations (
          tenant_id text not null,
          mutation_id text not null check (length(mutation_id) between 1 and 200),
          organization_id uuid not null,
          user_id uuid not null references users (id) on delete cascade,
          entity_type text not null,
          entity_id uuid not null,
          -- sha256 of the entity type, action, organization, entity id and body: a replay must match it
          request_hash text not null,
          -- null only inside the reserving transaction, which completes it before commit
          status_code integer,
          response jsonb,
          created_at timestamptz not null default now(),
          primary key (tenant_id, mutation_id),
          foreign key (tenant_id, organization_id) references organizations (tenant_id, id) on delete cascade
        );
        create index field_mutations_created_at_idx on field_mutations (created_at);
        grant select, insert, update on field_mutations to ${runtime};
      `.execute(db)
      const own = all(ctx.tenant, `user_id = ${ctx.me}`, memberOf('organization_id'))
      await tenantTablePolicies('field_mutations', { select: own, insert: own, update: own, delete: 'false' }).execute(db)
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table field_mutations`.execute(db)
    },
  }
}
