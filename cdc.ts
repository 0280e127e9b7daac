/**
 * The CDC worker as its own process (SPEC §2 production): `node dist/cdc.js` or
 * `npm run start:cdc`. Reads CDC_DATABASE_URL and CDC_SECRET; pushes to the API at
 * ws://127.0.0.1:PORT/internal/cdc. SIGTERM/SIGINT stop it cleanly.
 */
// First: keeps next-tick entries on V8's fast path (see lib/tick-shape.ts).
import './lib/tick-shape.js'
import closeWithGrace from 'close-with-grace'
import pino from 'pino'
import { loadEnvOrExit } from './config/env.js'
import { logOutputFor, loggerOptions } from './lib/logger.js'
import { ingestUrlFor, startCdcWorker } from './sync/start-worker.js'

const env = loadEnvOrExit()
const log = pino({ name: 'strata-cdc', ...loggerOptions(env.LOG_LEVEL, logOutputFor(env.NODE_ENV)) })
if (!env.CDC_DATABASE_URL || !env.CDC_SECRET) {
  console.error('Invalid environment:\n  CDC_DATABASE_URL and CDC_SECRET are required for the CDC worker process')
  process.exit(1)
}
if (env.SYNC_SOURCE === 'notify') {
  console.error('SYNC_SOURCE=notify: the database records changes itself; there is no CDC worker to run')
  process.exit(1)
}
const worker = await startCdcWorker({ cdcUrl: env.CDC_DATABASE_URL, cdcSecret: env.CDC_SECRET, ingestUrl: ingestUrlFor(env), log })
log.info('cdc worker started')
closeWithGrace({ delay: 10_000, logger: log }, async () => { await worker.stop() })
