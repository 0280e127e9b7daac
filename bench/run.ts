/**
 * `npm run bench` (SPEC §11): starts a throw-away PostgreSQL, runs every benchmark on this
 * machine (database, server and load generator share it), prints one table and writes
 * bench/results/<date>.json and .md. Loopback only; every load is bounded in time.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { startCluster } from '../test/harness/cluster.js'
import { testRoles } from '../test/harness/settings.js'
import { httpBench } from './http.js'
import type { Row } from './lib.js'
import { permissionsBench } from './permissions.js'
import { rlsCostBench } from './rls-cost.js'

const database = 'strata_bench'
const cluster = await startCluster(database)
const rows: Row[] = []
try {
  const runtimeUrl = cluster.urlFor(testRoles.runtime.user, testRoles.runtime.password, database)
  const adminUrl = cluster.urlFor('postgres', cluster.superuserPassword, database)
  rows.push(...await permissionsBench())
  rows.push(...await rlsCostBench({ runtimeUrl, adminUrl }))
  const cdcUrl = cluster.urlFor(testRoles.cdc.user, testRoles.cdc.password, database)
  rows.push(...await httpBench({ runtimeUrl, adminUrl, cdcUrl }))
} finally {
  await cluster.stop()
}

console.table(rows)
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
await mkdir('bench/results', { recursive: true })
await writeFile(`bench/results/${stamp}.json`, JSON.stringify({ machine, at: new Date().toISOString(), rows }, null, 2))
const markdown = [
  `Measured ${new Date().toISOString()} on ${machine}.`, '',
  '| benchmark | value | unit | detail |', '| --- | ---: | --- | --- |',
  ...rows.map((r) => `| ${r.benchmark} | ${r.value} | ${r.unit} | ${r.detail ?? ''} |`),
].join('\n')
await writeFile(`bench/results/${stamp}.md`, `${markdown}\n`)
await writeFile('bench/results/latest.md', `${markdown}\n`)
console.log(markdown)
