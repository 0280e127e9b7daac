import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDatabaseIfMissing } from '../../db/bootstrap.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../db/embedded.js'
import { migrateToLatest } from '../../db/migrate.js'
import { ensureRoles } from '../../db/roles.js'
import { testRoles } from './settings.js'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface Cluster {
  port: number
  superuserPassword: string
  /** URL of `database` for `user` (`postgres` is the superuser). */
  urlFor(user: string, password: string, database: string): string
  stop(): Promise<void>
}

/**
 * A throw-away PostgreSQL in a temporary folder with the roles created and `database` migrated.
 * Used by the test harness (the template database) and the benchmarks.
 */
export async function startCluster(database: string): Promise<Cluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-pg-'))
  // Postgres runs as its own system user when we are root: it must be able to enter the folder.
  await chmod(dir, 0o755)
  const port = await freePort()
  const superuserPassword = 'cluster-superuser'
  const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port, superuserPassword })
  const stop = async () => {
    await embedded.stop()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await prepareDatabase(embedded, superuserPassword, database)
  } catch (error) {
    await stop()
    throw error
  }
  return { port, superuserPassword, urlFor: embedded.urlFor, stop }
}

/** Creates `database` on a running cluster with the test roles, migrated to the latest version. */
export async function prepareDatabase(embedded: EmbeddedDatabase, superuserPassword: string, database: string): Promise<void> {
  await createDatabaseIfMissing(embedded.superuserUrl, database)
  const adminUrl = embedded.urlFor('postgres', superuserPassword, database)
  const roles = await ensureRoles({
    adminUrl,
    runtimeUrl: embedded.urlFor(testRoles.runtime.user, testRoles.runtime.password, database),
    cdcUrl: embedded.urlFor(testRoles.cdc.user, testRoles.cdc.password, database),
  })
  await migrateToLatest(adminUrl, roles)
}
