/**
 * The streams lines of the bench alone (≈ 1–2 min), printed and not written to results/: for
 * checking a change to the stream path. A throw-away PostgreSQL and Strata as in `npm run bench`,
 * without the 50,000-page and 1,000-organization seeds (so without the CDC throughput lines).
 * Run: `FASTIFY_AUTOLOAD_TYPESCRIPT=1 node --import tsx bench/streams-run.ts`; with
 * BENCH_PROFILE=1 the server is CPU-profiled over the fan-out window (the .cpuprofile goes to
 * bench/results/profiles/, its summary to stderr).
 */
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { createKysely, createPool } from '../db/connection.js'
import { startCluster } from '../test/harness/cluster.js'
import { testRoles } from '../test/harness/settings.js'
import { createFixture } from './fixture.js'
import { lineFrom, settleCdc, spawnServer, stopServer } from './lib.js'
import { type CpuProfile, summarize } from './profile-analysis.js'
import { streamBench } from './streams.js'

const profiling = process.env.BENCH_PROFILE === '1'
const profileDir = path.resolve('bench/results/profiles')
await mkdir(profileDir, { recursive: true })
const database = 'strata_bench_streams'
const cluster = await startCluster(database)
const admin = createKysely(createPool({ url: cluster.urlFor('postgres', cluster.superuserPassword, database), max: 2 }))
const strata = await spawnServer('bench/serve.ts', {
  BENCH_DATABASE_URL: cluster.urlFor(testRoles.runtime.user, testRoles.runtime.password, database),
  BENCH_CDC_URL: cluster.urlFor(testRoles.cdc.user, testRoles.cdc.password, database),
  BENCH_PROFILE_DIR: profileDir,
}, profiling ? ['--import', './bench/profiler.ts'] : [])

async function toggleProfile(edge: 'start' | 'end'): Promise<void> {
  const next = lineFrom(strata, edge === 'start' ? /profiling/ : /profiled (\S+)/)
  strata.child.kill('SIGUSR2')
  const match = await next
  if (edge === 'start') return
  const summary = summarize(JSON.parse(await readFile(match[1]!, 'utf8')) as CpuProfile)
  process.stderr.write(`fan-out profile ${match[1]} (${summary.busy} busy samples)\n`)
  for (const s of summary.selfTop.slice(0, 30)) process.stderr.write(`  ${s.percent.toFixed(1).padStart(5)} %  ${s.name}\n`)
}

try {
  const fixture = await createFixture(strata.url, admin, 0, 0)
  await settleCdc(admin, strata.pid)
  const { rows, verdicts } = await streamBench({ strata, fixture, admin, skipCdc: true, aroundFanOut: profiling ? toggleProfile : undefined })
  for (const v of verdicts) console.log(`${v.met ? 'met    ' : 'NOT met'}  ${v.target}: ${v.measured}`)
  for (const r of rows) console.log(`${r.benchmark}: ${r.value} ${r.unit}${r.detail ? ` (${r.detail})` : ''}`)
} finally {
  await stopServer(strata).catch(() => {})
  await admin.destroy()
  await cluster.stop()
}
