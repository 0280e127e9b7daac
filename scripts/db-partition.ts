/**
 * `npm run db:partition` (docs/operations.md#partitioning): converts `activities` (and `sessions`)
 * into tables partitioned by time, copying every row, and installs partition management; then
 * creates the partitions ahead. Idempotent: a table already partitioned is left as it is (its
 * period is updated for partitions created from then on). The tables are locked while their rows
 * are copied: writers wait (the CDC worker catches up afterwards; nothing is lost).
 *
 *   DATABASE_ADMIN_URL=… DATABASE_URL=… CDC_DATABASE_URL=… PARTITIONING=activities:daily,sessions:monthly npm run db:partition -- [--publication=strata_pub]
 */
import { parseArgs } from 'node:util'
import { loadEnvOrExit } from '../config/env.js'
import { partitioningFromEnv } from '../config/env-options.js'
import { applyPartitioning } from '../db/partitioning.js'
import { roleNamesFor } from '../db/roles.js'

const { values } = parseArgs({ options: { publication: { type: 'string', default: 'strata_pub' } } })
const env = loadEnvOrExit()
if (!env.DATABASE_ADMIN_URL || !env.DATABASE_URL || !env.CDC_DATABASE_URL) {
  console.error('db:partition needs DATABASE_ADMIN_URL, DATABASE_URL and CDC_DATABASE_URL (grants follow their user names)')
  process.exit(1)
}
const partitioning = partitioningFromEnv(env)
if (!partitioning) {
  console.error('db:partition needs PARTITIONING, e.g. PARTITIONING=activities:daily,sessions:monthly')
  process.exit(1)
}
const started = Date.now()
const report = await applyPartitioning(env.DATABASE_ADMIN_URL, roleNamesFor({ runtimeUrl: env.DATABASE_URL, cdcUrl: env.CDC_DATABASE_URL }), partitioning,
  { convertPopulated: true, publication: values.publication })
for (const { table, rows } of report.converted) console.log(`converted ${table}: ${rows} rows copied`)
console.log(`partitions created ahead: ${report.created}; done in ${Date.now() - started} ms`)
