import { type Kysely, sql } from 'kysely'
import { withContext } from '../db/rls.js'
import type { DB } from '../db/schema.js'
import type { PublicEntities } from './stream-dispatcher.js'

/**
 * The entities with a public read, read once from `app.entity_types` (on first need, again after
 * a failed read or a `refresh`: never per event), and the public view of one row: its table queried
 * in the public RLS context, so the entity's own policy (`publicRead.sql`) decides.
 */
export class PublicEntityTables implements PublicEntities {
  private tables: Promise<Map<string, string>> | undefined

  constructor(private readonly db: Kysely<DB>) {}

  /** Forget the entity list (e.g. after a migration added one); the next question reads it again. */
  refresh(): void {
    this.tables = undefined
  }

  private load(): Promise<Map<string, string>> {
    this.tables ??= sql<{ type: string; table: string }>`
      select entity_type as type, table_name as table from app.entity_types where public_read is not null`
      .execute(this.db)
      .then(({ rows }) => new Map(rows.map((r) => [r.type, r.table])))
      .catch((error: unknown) => {
        this.tables = undefined
        throw error
      })
    return this.tables
  }

  async isPublic(entityType: string, tenantId: string, id: string): Promise<boolean> {
    const table = (await this.load()).get(entityType)
    if (!table) return false
    return withContext(this.db, { kind: 'public', tenantId }, async (trx) =>
      (await sql`select 1 from ${sql.table(table)} where id = ${id}`.execute(trx)).rows.length > 0, { readOnly: true })
  }
}
