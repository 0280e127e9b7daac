import path from 'node:path'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from './app.js'
import { type Env, loadApiEnv, loadEnvOrExit } from './config/env.js'
import { optionsFromEnv } from './config/env-options.js'
import { type DatabaseUrls, bootEmbedded, bootExisting, developmentSecrets } from './db/bootstrap.js'
import { seedSystemAdmin } from './db/seed.js'
import { serverOptions } from './lib/logger.js'
import type { CdcWorker } from './sync/cdc-worker.js'
import { ingestUrlFor, startCdcWorker } from './sync/start-worker.js'

async function bootDatabase(env: Env, log: (line: string) => void): Promise<DatabaseUrls | undefined> {
  if (env.DEV_MODE === 'none') return undefined
  const dataDir = path.resolve('.data')
  if (!env.DATABASE_URL) return bootEmbedded(dataDir, log)
  const database = await bootExisting({ ...env, DATABASE_URL: env.DATABASE_URL })
  // Outside development loadApiEnv has refused to start without them.
  const generate = env.NODE_ENV === 'development' && (!env.COOKIE_SECRET || !env.CDC_SECRET)
  return generate ? { ...database, ...await developmentSecrets(dataDir) } : database
}

async function main(): Promise<void> {
  const env = loadEnvOrExit(loadApiEnv)

  const app = Fastify(serverOptions(env.LOG_LEVEL))
  const database = await bootDatabase(env, (line) => app.log.debug({ postgres: line.trim() }, 'embedded postgres'))
  const stopDatabase = async () => { await database?.embedded?.stop() }
  if (database?.adminUrl && env.SEED_ADMIN_EMAIL && env.SEED_ADMIN_PASSWORD) {
    if (await seedSystemAdmin(database.adminUrl, env.SEED_ADMIN_EMAIL, env.SEED_ADMIN_PASSWORD)) {
      app.log.info({ email: env.SEED_ADMIN_EMAIL }, 'created the first system admin')
    }
  }

  let worker: CdcWorker | undefined
  // Exit within 10 s: stop the worker, stop accepting, end streams, finish in-flight requests,
  // close pools, stop Postgres.
  closeWithGrace({ delay: 10_000, logger: app.log }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await worker?.stop()
    await app.close()
    await stopDatabase()
  })

  try {
    await app.register(fp(strata), optionsFromEnv(env, database))
    const address = await app.listen({ port: env.PORT, host: env.HOST })
    app.log.info(`Strata listening on ${address} — API docs at ${address}/docs`)
    const cdcSecret = app.config.cdcSecret
    if (env.DEV_MODE === 'full' && database?.cdcUrl && cdcSecret) {
      const { port } = app.server.address() as { port: number }
      worker = await startCdcWorker({ cdcUrl: database.cdcUrl, cdcSecret, ingestUrl: ingestUrlFor({ PORT: port }), log: app.log.child({ component: 'cdc' }) })
    } else if (env.DEV_MODE === 'full') {
      app.log.warn('sync engine without a CDC worker in this process (CDC_DATABASE_URL and CDC_SECRET start one); run npm run start:cdc')
    }
    if (database?.demo) {
      app.log.info(`Demo sign-in (first boot): ${database.demo.email} / ${database.demo.password} — POST ${address}/auth/sign-in`)
    }
  } catch (error) {
    app.log.fatal({ err: error }, 'failed to start')
    await app.close().catch(() => {})
    await stopDatabase()
    process.exit(1)
  }
}

await main()
