/** `npm run migrate`: apply pending migrations (Strata's, then extensions.ts's) as admin_role over DATABASE_ADMIN_URL. */
import { loadEnvOrExit } from '../config/env.js'
import { partitioningFromEnv } from '../config/env-options.js'
import { migrateToLatest } from '../db/migrate.js'
import { partitionOnInstall } from '../db/partitioning.js'
import { roleNamesFor } from '../db/roles.js'
import { applySyncSource } from '../db/sync-source.js'
import { extensions } from '../extensions.js'

const env = loadEnvOrExit()
if (!env.DATABASE_ADMIN_URL || !env.DATABASE_URL || !env.CDC_DATABASE_URL) {
  console.error('migrate needs DATABASE_ADMIN_URL, DATABASE_URL and CDC_DATABASE_URL (grants follow their user names)')
  process.exit(1)
}
const result = await migrateToLatest(env.DATABASE_ADMIN_URL, roleNamesFor({ runtimeUrl: env.DATABASE_URL, cdcUrl: env.CDC_DATABASE_URL }), extensions.migrations)
for (const r of result.results ?? []) console.log(`${r.status}: ${r.migrationName}`)
if (!result.results?.length) console.log('no pending migrations')
await applySyncSource(env.DATABASE_ADMIN_URL, env.SYNC_SOURCE)
console.log(`sync source: ${env.SYNC_SOURCE}`)
await partitionOnInstall(env.DATABASE_ADMIN_URL, env.DATABASE_URL, partitioningFromEnv(env))
console.log(`partitioning: ${env.PARTITIONING}`)
