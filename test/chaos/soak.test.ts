import t from 'tap'
import { assertReaders } from './cases.js'
import { type Sample, trendTable, trends } from './resources.js'
import { ChaosWorld, OwnCluster, faultTable } from './world.js'

// The soak (issue 18): ~20 plain-SQL writes/s and 50 resuming readers for CHAOS_SOAK_MS
// (`npm run chaos:soak`: 60 s unless set; the soak is 10 minutes), sampling the API's and
// the worker's memory and open file descriptors and the database's connections. `npm run chaos`
// leaves it out (CHAOS_SOAK_MS unset).
const soakMs = Number(process.env.CHAOS_SOAK_MS ?? 0)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** How far the last third's largest value may pass the middle third's (generous: a leak keeps climbing). */
const allowedGrowth: Record<string, (middleMax: number) => number> = {
  'API RSS (MB)': (mb) => Math.max(32, mb * 0.25),
  'API open fds': () => 16,
  'worker RSS (MB)': (mb) => Math.max(32, mb * 0.25),
  'worker open fds': () => 16,
  'Postgres connections': () => 4,
}

if (!soakMs) {
  t.plan(0, 'CHAOS_SOAK_MS unset: npm run chaos:soak runs the soak')
} else {
  const cluster = await OwnCluster.start()
  // 50 readers: 5 system admins of 10 streams each (20 at most per user).
  const world = await ChaosWorld.start('replication', cluster.urls, { users: 5 })
  t.teardown(async () => {
    await world.stop()
    await cluster.stop()
  })
  const samples: Sample[] = []
  const everyMs = Math.max(2_000, Math.round(soakMs / 100))
  const result = await world.runCase(`soak ${soakMs / 1000} s, 50 readers`, {
    readers: 50,
    fault: async () => {
      for (const end = Date.now() + soakMs; Date.now() < end; await sleep(everyMs)) samples.push(await world.sample())
      return `${samples.length} samples, one every ${everyMs / 1000} s`
    },
  })
  assertReaders(t, result)
  const rows = trends(samples, allowedGrowth)
  for (const row of rows) {
    t.ok(row.lastMax <= row.middleMax + row.allowed, `${row.metric}: the last third (max ${row.lastMax.toFixed(1)}) within ${row.allowed.toFixed(1)} of the middle third (max ${row.middleMax.toFixed(1)})`)
  }
  t.comment(`fault table\n${faultTable([result])}`)
  t.comment(`resources (start, end, max over ${samples.length} samples)\n${trendTable(rows)}`)
}
