import { type Kysely, sql } from 'kysely'

/**
 * Folds each organization's count deltas (`entity_counts`, migration 0013) into one row, so the
 * list's total stays a read of a few rows. Safe beside writers: the delete sees only deltas
 * committed before it started, and deltas committed meanwhile stay as they are. Run by
 * `db:maintenance` as the owner. Returns how many delta rows were folded away.
 */
export async function foldEntityCounts<T>(db: Kysely<T>): Promise<number> {
  const { rows: [result] } = await sql<{ folded: number }>`
    with gone as (delete from entity_counts returning tenant_id, organization_id, entity_type, n, members_read),
    kept as (
      insert into entity_counts (tenant_id, organization_id, entity_type, n, members_read)
      select tenant_id, organization_id, entity_type, sum(n), bool_and(members_read) from gone
      group by tenant_id, organization_id, entity_type
      returning 1)
    select (select count(*) from gone)::int - (select count(*) from kept)::int as folded`.execute(db)
  return result?.folded ?? 0
}
