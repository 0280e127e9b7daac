// First: keeps next-tick entries on V8's fast path (see lib/tick-shape.ts).
import './lib/tick-shape.js'
import path from 'node:path'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from './app.js'
import { type Env, loadApiEnv, loadEnvOrExit } from './config/env.js'
import { optionsFromEnv, partitioningFromEnv } from './config/env-options.js'
import { serverOptions } from './config/server-options.js'
import { type DatabaseUrls, bootEmbedded, bootExisting, developmentSecrets } from './db/bootstrap.js'
import { partitionOnInstall } from './db/partitioning.js'
import { seedAdminMessages, seedSystemAdmin } from './db/seed.js'
import { applySyncSource } from './db/sync-source.js'
import { extensions } from './extensions.js'
import { logOutputFor } from './lib/logger.js'
import type { CdcWorker } from './sync/cdc-worker.js'
import { ingestUrlFor, startCdcWorker } from './sync/start-worker.js'

async function bootDatabase(env: Env, log: (line: string) => void): Promise<DatabaseUrls | undefined> {
  if (env.DEV_MODE === 'none') return undefined
  const dataDir = path.resolve('.data')
  // Authors' migrations (extensions.ts) run after Strata's, by the same Migrator.
  if (!env.DATABASE_URL) return bootEmbedded(dataDir, log, extensions.migrations)
  const database = await bootExisting({ ...env, DATABASE_URL: env.DATABASE_URL }, extensions.migrations)
  // Outside development loadApiEnv has refused to start without them.
  const generate = env.NODE_ENV === 'development' && (!env.COOKIE_SECRET || !env.CDC_SECRET)
  return generate ? { ...database, ...await developmentSecrets(dataDir) } : database
}

async function main(): Promise<void> {
  const env = loadEnvOrExit(loadApiEnv)
  // The embedded PostgreSQL is a development convenience (its binaries a development dependency).
  if (env.NODE_ENV === 'production' && !env.DATABASE_URL && env.DEV_MODE !== 'none') {
    console.error('Invalid environment:\n  DATABASE_URL: required with NODE_ENV=production (the embedded PostgreSQL is for development only)')
    process.exit(1)
  }

  const app = Fastify(serverOptions(env.LOG_LEVEL, undefined, logOutputFor(env.NODE_ENV)))
  let database: DatabaseUrls | undefined
  let worker: CdcWorker | undefined
  const stopDatabase = async () => { await database?.embedded?.stop() }
  // Exit within 10 s: stop the worker (its pushes need the API), stop accepting, end streams,
  // finish in-flight requests, close pools, and only then stop the embedded Postgres.
  closeWithGrace({ delay: 10_000, logger: app.log }, async ({ err, signal }) => {
    const started = Date.now()
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info(`${signal ?? 'shutdown'}: shutting down`)
    await worker?.stop()
    await app.close()
    await stopDatabase()
    app.log.info(`stopped in ${Date.now() - started} ms`)
  })

  try {
    database = await bootDatabase(env, (line) => app.log.debug({ postgres: line.trim() }, 'embedded postgres'))
    // SYNC_SOURCE: the notify source's triggers record only where the database is set to it.
    if (env.DEV_MODE === 'full' && database?.adminUrl) await applySyncSource(database.adminUrl, env.SYNC_SOURCE)
    // PARTITIONING: a fresh database's tables are partitioned here; populated ones by npm run db:partition.
    if (database?.adminUrl) await partitionOnInstall(database.adminUrl, database.url, partitioningFromEnv(env))
    if (database?.adminUrl && env.SEED_ADMIN_EMAIL && env.SEED_ADMIN_PASSWORD) {
      const result = await seedSystemAdmin(database.adminUrl, env.SEED_ADMIN_EMAIL, env.SEED_ADMIN_PASSWORD)
      app.log.info(seedAdminMessages[result](env.SEED_ADMIN_EMAIL))
    }
    await app.register(fp(strata), { ...optionsFromEnv(env, database), ...extensions })
    const address = await app.listen({ port: env.PORT, host: env.HOST })
    app.log.info(`Strata listening on ${address} — API docs at ${address}/docs`)
    const cdcSecret = app.config.cdcSecret
    const replication = env.DEV_MODE === 'full' && env.SYNC_SOURCE === 'replication'
    if (replication && database?.cdcUrl && cdcSecret) {
      const { port } = app.server.address() as { port: number }
      const { sync } = app.config
      worker = await startCdcWorker({
        cdcUrl: database.cdcUrl, cdcSecret, ingestUrl: ingestUrlFor({ PORT: port, CDC_INGEST_URL: env.CDC_INGEST_URL }),
        log: app.log.child({ component: 'cdc' }), ...(sync ? { slot: sync.slot, publication: sync.publication } : {}),
      })
    } else if (replication) {
      app.log.warn('sync engine without a CDC worker in this process (CDC_DATABASE_URL and CDC_SECRET start one); run npm run start:cdc')
    }
    const demo = database?.demo
    if (demo) {
      const where = path.relative(process.cwd(), demo.file)
      app.log.info(demo.created
        ? `Demo sign-in (kept in ${where}): ${demo.email} / ${demo.password} — POST ${address}/auth/sign-in`
        : `Demo sign-in: ${demo.email}, password in ${where}`)
    }
  } catch (error) {
    app.log.fatal({ err: error }, 'failed to start')
    await app.close().catch(() => {})
    await stopDatabase()
    process.exit(1)
  }
}

await main()
