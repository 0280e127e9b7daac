/**
 * Where a request's microseconds go (issue 16): Strata (bench/serve.ts, CDC on, its defaults)
 * under autocannon load on `GET /health`, the cached `GET …/attachments/:id` and the 20-row page
 * list (500 pages), a CPU profile of the server over each load window (100 µs sampling),
 * summarized by function and by feature of the request path. Writes bench/results/profile-<date>.md and profile-latest.md,
 * and keeps the .cpuprofile files (open them in Chrome DevTools) under bench/results/profiles/.
 * Run: `FASTIFY_AUTOLOAD_TYPESCRIPT=1 node --import tsx bench/profile.ts` (BENCH_QUICK=1: 4 s).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createKysely, createPool } from '../db/connection.js'
import { startCluster } from '../test/harness/cluster.js'
import { testRoles } from '../test/harness/settings.js'
import { createFixture, tenantId } from './fixture.js'
import { type Server, cpuMicros, lineFrom, load, quick, settle, spawnServer, stopServer } from './lib.js'
import { type CpuProfile, type Share, summarize } from './profile-analysis.js'

const seconds = quick ? 4 : 8
const startedAt = new Date()
const stamp = startedAt.toISOString().replace(/[:.]/g, '-')
const profileDir = path.resolve('bench/results/profiles')
await mkdir(profileDir, { recursive: true })

/** Profiles `server` while autocannon loads `url` (after an unprofiled warm-up). */
async function profileUnderLoad(server: Server, name: string, url: string, headers?: Record<string, string>): Promise<{ rps: number; cpuUs: number; profile: CpuProfile; file: string }> {
  await load(url, { headers, seconds: 3 })
  await settle(server.pid)
  const started = lineFrom(server, /profiling/)
  server.child.kill('SIGUSR2')
  await started
  const cpu0 = await cpuMicros(server.pid)
  const result = await load(url, { headers, seconds })
  const cpuUs = ((await cpuMicros(server.pid)) - cpu0) / Math.max(1, result.requests)
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors under load`)
  const written = lineFrom(server, /profiled (\S+)/)
  server.child.kill('SIGUSR2')
  const file = path.join(profileDir, `${stamp}-${name}.cpuprofile`)
  await rename((await written)[1]!, file)
  return { rps: result.rps, cpuUs, profile: JSON.parse(await readFile(file, 'utf8')) as CpuProfile, file }
}

/** Shares of the busy samples, and of the CPU a request took while profiled (µs). */
const table = (shares: Share[], heading: string, cpuUs: number) => [
  `| ${heading} | share of busy CPU | ≈ µs/request | samples |`, '| --- | ---: | ---: | ---: |',
  ...shares.map((s) => `| ${s.name.replaceAll('|', '\\|')} | ${s.percent.toFixed(1)} % | ${((s.percent / 100) * cpuUs).toFixed(1)} | ${s.samples} |`),
]

const database = 'strata_profile'
const cluster = await startCluster(database)
const admin = createKysely(createPool({ url: cluster.urlFor('postgres', cluster.superuserPassword, database), max: 2 }))
const servers: Server[] = []
const sections: string[] = []
try {
  const profiled = ['--import', './bench/profiler.ts']
  const env = { BENCH_PROFILE_DIR: profileDir }
  const strata = await spawnServer('bench/serve.ts', {
    ...env,
    BENCH_DATABASE_URL: cluster.urlFor(testRoles.runtime.user, testRoles.runtime.password, database),
    BENCH_CDC_URL: cluster.urlFor(testRoles.cdc.user, testRoles.cdc.password, database),
  }, profiled)
  const fastify = await spawnServer('bench/floors/fastify.ts', env, profiled)
  servers.push(strata, fastify)
  const fixture = await createFixture(strata.url, admin, 0, 0)
  const reader = { cookie: fixture.cookies.reader, origin: strata.url }
  const runs: Array<[string, Server, string, Record<string, string> | undefined]> = [
    ['floor: bare Fastify hello (the baseline)', fastify, `${fastify.url}/`, undefined],
    ['GET /health', strata, `${strata.url}/health`, undefined],
    ['GET …/attachments/:id (entity cache hit)', strata, `${strata.url}/${tenantId}/${fixture.small.slug}/attachments/${fixture.attachmentId}`, reader],
    ['GET …/pages?limit=20 (RLS list read, 500 pages)', strata, `${strata.url}/${tenantId}/${fixture.small.slug}/pages?limit=20&sort=createdAt&order=desc`, reader],
  ]
  for (const [label, server, url, headers] of runs) {
    const name = label.replace(/[^a-z]+/gi, '-').toLowerCase().replace(/^-|-$/g, '')
    const { rps, cpuUs, profile, file } = await profileUnderLoad(server, name, url, headers)
    const summary = summarize(profile)
    process.stderr.write(`${label}: ${rps} req/s while profiled\n`)
    sections.push(
      `## ${label}`, '',
      `${rps} req/s and ${cpuUs.toFixed(1)} µs of server CPU per request while profiled (autocannon, 10 connections, ${seconds} s; the profiler adds some); ${summary.busy} busy samples; ${path.relative('.', file)}.`, '',
      '### By feature (each sample charged to its nearest caller that is not generic code: a header helmet sets counts for helmet)', '',
      ...table(summary.byFeature, 'feature', cpuUs), '',
      '### Self time by category', '',
      ...table(summary.selfByCategory, 'category', cpuUs), '',
      '### Top functions by self time', '',
      ...table(summary.selfTop, 'function [category]', cpuUs), '',
    )
  }
} finally {
  for (const server of servers) await stopServer(server)
  await admin.destroy()
  await cluster.stop()
}

const cpu = os.cpus()
const markdown = [
  `# Strata CPU profile, ${startedAt.toISOString()}`, '',
  `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}.`, '',
  ...sections,
].join('\n')
await writeFile(`bench/results/profile-${stamp}.md`, `${markdown}\n`)
await writeFile('bench/results/profile-latest.md', `${markdown}\n`)
console.log(markdown)
