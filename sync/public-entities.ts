import { type Kysely, sql } from 'kysely'
import { withContext } from '../db/rls.js'
import type { DB } from '../db/schema.js'
import type { Activity } from './activity.js'
import type { PublicEntities, PublicVisibility } from './stream-dispatcher.js'

/**
 * The entities with a public read, read once from `app.entity_types` (on first need, again after
 * a failed read or a `refresh`: never per event), and what one change is to the public view: its
 * table queried in the public RLS context (the entity's own policy, `publicRead.sql`, decides), and
 * the change's `left_public`, recorded when it was written.
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

  async visibility(activity: Activity): Promise<PublicVisibility> {
    const table = (await this.load()).get(activity.entityType)
    if (!table) return 'hidden'
    return withContext(this.db, { kind: 'public', tenantId: activity.tenantId }, async (trx) => {
      const { rows: [row] } = await sql<{ shown: boolean; left: boolean }>`
        select exists (select 1 from ${sql.table(table)} where id = ${activity.entityId}) as shown,
          app.activity_left_public(${activity.cursor}) as left`.execute(trx)
      if (row!.left) return 'left'
      return row!.shown && activity.action !== 'delete' ? 'shown' : 'hidden'
    }, { readOnly: true })
  }
}
