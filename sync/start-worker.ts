import type { Env } from '../config/env.js'
import { CdcWorker, type WorkerLog } from './cdc-worker.js'

/**
 * The CDC worker as the process runs it: in-process under `npm start`, or alone under
 * `npm run start:cdc` / `node dist/cdc.js`, pushing to the API at `ingestUrl`.
 */
export async function startCdcWorker(input: {
  cdcUrl: string; cdcSecret: string; ingestUrl: string; log: WorkerLog
  /** The `sync` option's slot and publication (a separate worker process uses the defaults). */
  slot?: string; publication?: string
}): Promise<CdcWorker> {
  const worker = new CdcWorker({
    databaseUrl: input.cdcUrl,
    slot: input.slot ?? 'strata_slot',
    publication: input.publication ?? 'strata_pub',
    ingest: { url: input.ingestUrl, secret: input.cdcSecret },
    log: input.log,
  })
  await worker.start()
  return worker
}

/** CDC_INGEST_URL (any API instance: readiness does not depend on which), else the API on this host. */
export const ingestUrlFor = (env: Pick<Env, 'PORT' | 'CDC_INGEST_URL'>) => env.CDC_INGEST_URL ?? `ws://127.0.0.1:${env.PORT}/internal/cdc`
