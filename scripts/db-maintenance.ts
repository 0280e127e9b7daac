/**
 * `npm run db:maintenance` (SPEC §10): deletes expired sessions, expired or used tokens,
 * finished idempotency keys and rate-limit windows, and activities older than the retention
 * (default 30 days), and folds the list totals' count deltas. With partitioning
 * (docs/operations.md#partitioning) it also creates the partitions ahead, and drops whole partitions
 * past the retention (activities) or expired (sessions) instead of deleting their rows. `--drop-stale-slot` also drops the CDC slot when no worker holds it —
 * only on explicit request, since the worker then restarts from "now" and skips what it missed.
 *
 *   DATABASE_ADMIN_URL=… npm run db:maintenance -- [--retention-days=30] [--drop-stale-slot] [--slot=strata_slot]
 */
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { loadEnvOrExit } from '../config/env.js'
import { createKysely, createPool } from '../db/connection.js'
import { foldEntityCounts } from '../db/entity-counts.js'
import { maintainPartitions, partitionedTables } from '../db/partitioning.js'

const { values } = parseArgs({
  options: {
    'retention-days': { type: 'string', default: '30' },
    'drop-stale-slot': { type: 'boolean', default: false },
    slot: { type: 'string', default: 'strata_slot' },
  },
})
const retentionDays = Number(values['retention-days'])
if (!Number.isInteger(retentionDays) || retentionDays < 1) {
  console.error('--retention-days must be a whole number of days, at least 1')
  process.exit(1)
}
const env = loadEnvOrExit()
if (!env.DATABASE_ADMIN_URL) {
  console.error('db:maintenance needs DATABASE_ADMIN_URL')
  process.exit(1)
}
const db = createKysely(createPool({ url: env.DATABASE_ADMIN_URL, max: 1, applicationName: 'strata-maintenance' }))
try {
  // First: whole partitions go (expired sessions in them are not deleted row by row below).
  const partitioned = await partitionedTables(db)
  const partitions = await maintainPartitions(db, retentionDays)
  const count = async (query: { execute(): Promise<Array<{ numDeletedRows: bigint }>> }) => Number((await query.execute())[0]?.numDeletedRows ?? 0)
  const report = {
    sessions: await count(db.deleteFrom('sessions').where('expires_at', '<', new Date())),
    tokens: await count(db.deleteFrom('tokens').where((eb) => eb.or([eb('expires_at', '<', new Date()), eb('consumed_at', 'is not', null)]))),
    idempotencyKeys: await count(db.deleteFrom('idempotency_keys').where('created_at', '<', sql<Date>`now() - interval '1 day'`)),
    rateLimits: await count(db.deleteFrom('rate_limits').where('reset_at', '<', new Date())),
    // A partitioned change log lost whole partitions instead (above).
    activities: partitioned.includes('activities') ? 0
      : await count(db.deleteFrom('activities').where('created_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)),
    // Mutation ids of field-versioned entities (migration 0017) live as long as the change log.
    fieldMutations: Number((await sql`delete from field_mutations where created_at < now() - make_interval(days => ${retentionDays})`.execute(db)).numAffectedRows ?? 0),
  }
  console.log('deleted', report)
  if (partitioned.length > 0) console.log('partitions: created', partitions.created, 'dropped', partitions.dropped)
  console.log('folded', await foldEntityCounts(db), 'count deltas')
  if (values['drop-stale-slot']) {
    const { rows } = await sql<{ dropped: boolean }>`
      select pg_drop_replication_slot(slot_name) is null as dropped from pg_replication_slots
      where slot_name = ${values.slot} and not active`.execute(db)
    console.log(rows.length ? `dropped inactive slot ${values.slot}` : `slot ${values.slot} is active or absent; kept`)
  }
} finally {
  await db.destroy()
}
