/**
 * `npm run bench` (SPEC §11, issue 16): starts a throw-away PostgreSQL, Strata (with its CDC
 * worker) and the floors, each server in its own process; measures; prints every target with its
 * verdict and writes bench/results/<date>.md and bench/results/latest.md. Database, servers and
 * the load generator share this machine: read ratios and CPU per request before raw req/s.
 * Loopback only; every load is bounded in time. BENCH_QUICK=1 for short rounds; BENCH_ONLY=http
 * runs only the HTTP targets and the list's growth line (no micro-benchmarks, streams or CDC orgs).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { sql } from 'kysely'
import { createKysely, createPool } from '../db/connection.js'
import { startCluster } from '../test/harness/cluster.js'
import { testRoles } from '../test/harness/settings.js'
import { createFixture } from './fixture.js'
import { httpBench } from './http.js'
import { type Row, type Server, type Verdict, cpuMicros, quick, settleCdc, spawnServer, stopServer } from './lib.js'
import { permissionsBench } from './permissions.js'
import { rlsCostBench } from './rls-cost.js'
import { streamBench } from './streams.js'

const httpOnly = process.env.BENCH_ONLY === 'http'
const startedAt = new Date()
const loadBefore = os.loadavg()
const database = 'strata_bench'
const cluster = await startCluster(database)
const runtimeUrl = cluster.urlFor(testRoles.runtime.user, testRoles.runtime.password, database)
const adminUrl = cluster.urlFor('postgres', cluster.superuserPassword, database)
const cdcUrl = cluster.urlFor(testRoles.cdc.user, testRoles.cdc.password, database)
const admin = createKysely(createPool({ url: adminUrl, max: 2 }))
/**
 * CPU used so far by the cluster's client backends (the connections that run the servers'
 * queries). Autovacuum, the walsender and other background processes are left out: after a bulk
 * seed their work lands on whichever round runs when they wake, whatever it measures.
 */
const dbCpu = async () => {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where backend_type = 'client backend'`.execute(admin)
  return new Map(await Promise.all(rows.map(async (r) => [r.pid, await cpuMicros(r.pid)] as const)))
}

const rows: Row[] = []
const verdicts: Verdict[] = []
const servers: Server[] = []
try {
  if (!httpOnly) {
    rows.push(...await permissionsBench())
    rows.push(...await rlsCostBench({ runtimeUrl, adminUrl }))
  }

  const strata = await spawnServer('bench/serve.ts', { BENCH_DATABASE_URL: runtimeUrl, BENCH_CDC_URL: cdcUrl })
  servers.push(strata)
  process.stderr.write('seeding…\n')
  const fixture = await createFixture(strata.url, admin, 50_000, httpOnly ? 0 : 1_000)
  // A second API instance for the cheap routes (see http.ts): the same server on the same database,
  // without a CDC worker of its own (it follows the change log as every instance does).
  const strataTwin = await spawnServer('bench/serve.ts', { BENCH_DATABASE_URL: runtimeUrl, BENCH_CDC_URL: cdcUrl, BENCH_WORKER: 'off' })
  servers.push(strataTwin)
  const floors = {
    fastify: await spawnServer('bench/floors/fastify.ts'),
    fastifyTwin: await spawnServer('bench/floors/fastify.ts'),
    fastifyRequired: await spawnServer('bench/floors/fastify-required.ts'),
    fastifyRequiredTwin: await spawnServer('bench/floors/fastify-required.ts'),
    nodeHttp: await spawnServer('bench/floors/node-http.ts'),
    sqlFloor: await spawnServer('bench/floors/node-http-pg.ts', { BENCH_ADMIN_URL: adminUrl, BENCH_ORG_ID: fixture.small.id }),
  }
  servers.push(...Object.values(floors))
  // The seed's changes reach Strata through CDC: measure once it has confirmed them all and is idle.
  const digestMs = await settleCdc(admin, strata.pid)
  // Vacuumed and analyzed now rather than by autovacuum in the middle of a round.
  await sql`vacuum analyze`.execute(admin)
  process.stderr.write(`seeded in ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s (CDC caught up in ${Math.round(digestMs / 1000)} s)\n`)

  process.stderr.write('HTTP, interleaved rounds…\n')
  const http = await httpBench({ strata, strataTwin, ...floors, fixture, dbCpu })
  rows.push(...http.rows)
  verdicts.push(...http.verdicts)
  for (const server of [strataTwin, ...Object.values(floors)]) await stopServer(server)

  if (!httpOnly) {
    process.stderr.write('streams…\n')
    const streams = await streamBench({ strata, fixture, admin })
    rows.push(...streams.rows)
    verdicts.push(...streams.verdicts)
  }
} finally {
  for (const server of servers) await stopServer(server).catch(() => {})
  await admin.destroy()
  await cluster.stop()
}

const cpu = os.cpus()
const machine = `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`
const loadAverage = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ')
const cell = (text: string) => text.replaceAll('|', '\\|')
const markdown = [
  `# Strata bench, ${startedAt.toISOString()}`,
  '',
  `Machine: ${machine}. Load average ${loadAverage(loadBefore)} before, ${loadAverage(os.loadavg())} after${quick ? ' (BENCH_QUICK=1: short rounds)' : ''}${httpOnly ? ' (BENCH_ONLY=http)' : ''}.`,
  'Servers each in their own process; autocannon, 10 connections, rounds interleaved; ratios are the median of per-round ratios (min–max).',
  '',
  '## Targets (issue 16)',
  '',
  '| target | measured | verdict |',
  '| --- | --- | --- |',
  ...verdicts.map((v) => `| ${cell(v.target)} | ${cell(v.measured)} | ${v.met ? 'met' : '**NOT met**'} |`),
  '',
  '## Measurements',
  '',
  '| benchmark | value | unit | detail |',
  '| --- | ---: | --- | --- |',
  ...rows.map((r) => `| ${cell(r.benchmark)} | ${r.value} | ${r.unit} | ${cell(r.detail ?? '')} |`),
].join('\n')
const stamp = startedAt.toISOString().replace(/[:.]/g, '-')
// A partial run (BENCH_ONLY) is printed only: results/ holds whole runs.
if (!httpOnly) {
  await mkdir('bench/results', { recursive: true })
  await writeFile(`bench/results/${stamp}.md`, `${markdown}\n`)
  await writeFile('bench/results/latest.md', `${markdown}\n`)
}
console.log(markdown)
