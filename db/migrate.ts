import type { DB } from './schema.js'
import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely'
import { buildMigrations } from '../migrations/index.js'
import { createKysely, createPool } from './connection.js'
import { type RoleNames, defaultRoleNames } from './role-names.js'

function migratorFor(db: Kysely<unknown>, roles: RoleNames): Migrator {
  const migrations = buildMigrations(roles)
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

/**
 * Runs every pending migration as `admin_role` (so it owns what it creates), over the admin URL.
 * Throws with the failing migration's name when one fails.
 */
export async function migrateToLatest(adminUrl: string, roles: RoleNames): Promise<MigrationResultSet> {
  const db = createKysely<unknown>(createPool({ url: adminUrl, max: 1, applicationName: 'strata-migrate' }), roles.admin)
  try {
    const result = await migratorFor(db, roles).migrateToLatest()
    if (result.error) {
      const failed = result.results?.find((r) => r.status === 'Error')
      throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: result.error })
    }
    return result
  } finally {
    await db.destroy()
  }
}

/** Names of migrations known to the code but not applied to the database. */
export async function pendingMigrationNames(db: Kysely<DB>): Promise<string[]> {
  const known = Object.keys(buildMigrations(defaultRoleNames))
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  const applied = new Set(rows.map((r) => r.name))
  return known.filter((name) => !applied.has(name))
}
