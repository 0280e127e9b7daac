/**
 * `npm run bench:retention` (issue 17): retention of 1,000,000 activities older than the cut-off,
 * the plain change log's row delete (`db:maintenance` without partitioning) against dropping whole
 * daily partitions (`db:maintenance` with partitioning): time, WAL written (pg_current_wal_lsn
 * before and after, a checkpoint first so both start alike) and the table's size after. The same
 * rows both times (1,000,000 spread over the 10 days before the cut-off, 100,000 kept after it, each
 * with a small row image), on a throw-away PostgreSQL; also how long `db:partition` takes to convert
 * them. BENCH_RETENTION_ROWS changes the million.
 */
import { sql } from 'kysely'
import { createKysely, createPool } from '../db/connection.js'
import { applyPartitioning, maintainPartitions } from '../db/partitioning.js'
import { defaultRoleNames } from '../db/role-names.js'
import { startCluster } from '../test/harness/cluster.js'

const oldRows = Number(process.env.BENCH_RETENTION_ROWS ?? 1_000_000)
const keptRows = Math.floor(oldRows / 10)
const retentionDays = 30
const database = 'strata_bench_retention'
const cluster = await startCluster(database)
const adminUrl = cluster.urlFor('postgres', cluster.superuserPassword, database)
const admin = createKysely(createPool({ url: adminUrl, max: 1 }))

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
/** The change log on disk with its indexes and TOAST: the plain table, or every partition of it. */
const size = async () => Number((await sql<{ bytes: string }>`
  select case when relkind = 'p' then (select sum(pg_total_relation_size(relid)) from pg_partition_tree(oid) where isleaf)
    else pg_total_relation_size(oid) end as bytes
  from pg_class where oid = 'activities'::regclass`.execute(admin)).rows[0]!.bytes)
const count = async () => Number((await sql<{ n: string }>`select count(*) as n from activities`.execute(admin)).rows[0]!.n)

/** Empties the change log and writes `oldRows` activities before the cut-off and `keptRows` after it, ids in time order. */
async function seed(): Promise<void> {
  await sql`truncate activities`.execute(admin)
  await sql`insert into tenants (id, name) values ('bnchrt', 'retention') on conflict do nothing`.execute(admin)
  const insert = (from: number, rows: number, newestDaysAgo: number) => sql`
    insert into activities (id, tenant_id, organization_id, entity_type, entity_id, action, seq, changed_fields, created_at, row_data)
    select lpad(to_hex(${from} + i), 16, '0') || '-000000', 'bnchrt', '01900000-0000-7000-8000-000000000001', 'page', gen_random_uuid()::text,
      'update', i, array['title'], now() - make_interval(days => ${newestDaysAgo}) - make_interval(secs => (${rows} - i) * (864000.0 / ${rows})),
      jsonb_build_object('title', 'page ' || i, 'status', 'published', 'public_access', false)
    from generate_series(1, ${rows}) i`.execute(admin)
  await insert(0, oldRows, retentionDays + 1)
  await insert(oldRows, keptRows, 0)
  await sql`vacuum analyze activities`.execute(admin)
}

/** Runs `work` after a checkpoint; its time and the WAL it wrote. */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; wal: number }> {
  await sql`checkpoint`.execute(admin)
  const { rows: [start] } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(admin)
  const started = performance.now()
  await work()
  const ms = performance.now() - started
  const { rows: [wal] } = await sql<{ bytes: string }>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${start!.lsn}::pg_lsn) as bytes`.execute(admin)
  return { ms, wal: Number(wal!.bytes) }
}

const lines: string[] = []
try {
  process.stderr.write(`seeding ${oldRows + keptRows} activities…\n`)
  await seed()
  const before = await size()
  const deleted = await measure(() => sql`delete from activities where created_at < now() - make_interval(days => ${retentionDays})`.execute(admin))
  const afterDelete = await size()
  const { ms: vacuumMs } = await measure(() => sql`vacuum activities`.execute(admin))
  const afterVacuum = await size()
  const keptByDelete = await count()

  process.stderr.write('seeding again, converting…\n')
  await seed()
  const converted = await measure(() => applyPartitioning(adminUrl, defaultRoleNames, { activities: 'daily', sessions: false }, { convertPopulated: true }))
  const partitionedBefore = await size()
  let droppedPartitions = 0
  const dropped = await measure(async () => { droppedPartitions = (await maintainPartitions(admin, retentionDays)).dropped.length })
  const afterDrop = await size()
  const keptByDrop = await count()

  lines.push(
    `Retention of ${oldRows.toLocaleString('en')} activities older than the cut-off (${keptRows.toLocaleString('en')} newer kept), ${new Date().toISOString().slice(0, 10)}:`,
    '',
    '| | time | WAL written | change log size before → after | rows kept |',
    '| --- | ---: | ---: | --- | ---: |',
    `| row delete (plain table) | ${seconds(deleted.ms)} | ${mib(deleted.wal)} | ${mib(before)} → ${mib(afterDelete)} (after VACUUM, ${seconds(vacuumMs)}: ${mib(afterVacuum)}) | ${keptByDelete.toLocaleString('en')} |`,
    `| partition drop (daily, ${droppedPartitions} partitions) | ${seconds(dropped.ms)} | ${mib(dropped.wal)} | ${mib(partitionedBefore)} → ${mib(afterDrop)} | ${keptByDrop.toLocaleString('en')} |`,
    '',
    `Converting the ${(oldRows + keptRows).toLocaleString('en')} rows with db:partition: ${seconds(converted.ms)}, ${mib(converted.wal)} of WAL.`,
  )
} finally {
  await admin.destroy()
  await cluster.stop()
}
console.log(lines.join('\n'))
