import type { DB } from './schema.js'
import { type Kysely, type Migration, type MigrationResultSet, Migrator, sql } from 'kysely'
import { buildMigrations } from '../migrations/index.js'
import { createKysely, createPool } from './connection.js'
import { type RoleNames, defaultRoleNames } from './role-names.js'

/**
 * Migrations a plugin author adds (the `migrations` registration option): a map of name →
 * migration, or a function of the role names when they grant (e.g. `applyEntityIsolation`).
 */
export type AuthorMigrations = Record<string, Migration> | ((roles: RoleNames) => Record<string, Migration>)

// Strata's names are `NNNN_<what>`; an author's start with a letter (`tasks_0001_table`), so
// neither can take the other's name and, sorted, Strata's existing ones come first.
const authorName = /^[a-z][a-z0-9_-]{0,99}$/

/** Strata's migrations followed by the author's, checked for names that could collide. */
export function allMigrations(roles: RoleNames, extra?: AuthorMigrations): Record<string, Migration> {
  const own = buildMigrations(roles)
  const theirs = typeof extra === 'function' ? extra(roles) : extra ?? {}
  for (const name of Object.keys(theirs)) {
    if (!authorName.test(name)) throw new Error(`migration name "${name}" must start with a letter and match [a-z][a-z0-9_-]* (Strata's own are NNNN_…)`)
  }
  return { ...own, ...theirs }
}

function migratorFor(db: Kysely<unknown>, migrations: Record<string, Migration>): Migrator {
  // Unordered: a Strata migration released after an author's ran (and sorting before it) still runs.
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true })
}

/**
 * Runs every pending migration, Strata's and then the author's (`extra`), in one Migrator, as
 * `admin_role` (so it owns what it creates), over the admin URL. Throws with the failing
 * migration's name when one fails.
 */
export async function migrateToLatest(adminUrl: string, roles: RoleNames, extra?: AuthorMigrations): Promise<MigrationResultSet> {
  const migrations = allMigrations(roles, extra)
  const db = createKysely<unknown>(createPool({ url: adminUrl, max: 1, applicationName: 'strata-migrate' }), roles.admin)
  try {
    const result = await migratorFor(db, migrations).migrateToLatest()
    if (result.error) {
      const failed = result.results?.find((r) => r.status === 'Error')
      throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: result.error })
    }
    return result
  } finally {
    await db.destroy()
  }
}

/** Names of migrations known to the code (Strata's and the author's) but not applied to the database. */
export async function pendingMigrationNames(db: Kysely<DB>, extra?: AuthorMigrations): Promise<string[]> {
  const known = Object.keys(allMigrations(defaultRoleNames, extra))
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  const applied = new Set(rows.map((r) => r.name))
  return known.filter((name) => !applied.has(name))
}
