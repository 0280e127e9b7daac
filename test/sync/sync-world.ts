import { CdcWorker } from '../../sync/cdc-worker.js'
import { type BuildExtras, type BuildOptions, type Teardown, eventually, syncOptions, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'

const quiet = { info() {}, warn() {}, error() {} }

/**
 * The route-test world (see `world`) with the sync engine on: the app listens on a real port
 * and a CDC worker streams the database's changes to it. `extras.database`: one prepared before
 * (e.g. with an author's migrations applied); `extras.routes`: plugins registered after Strata.
 */
export async function syncWorld(t: Teardown, options: BuildOptions = {}, extras: BuildExtras = {}) {
  const database = extras.database || await testDatabase(t)
  const sync = syncOptions(database)
  const w = await world(t, { ...sync, ...options }, { ...extras, database })
  const baseUrl = await w.app.listen({ port: 0, host: '127.0.0.1' })
  const worker = new CdcWorker({
    databaseUrl: database.cdcUrl, slot: `slot_${database.name}`, publication: 'strata_pub', log: quiet,
    ingest: { url: `${baseUrl.replace('http', 'ws')}/internal/cdc`, secret: sync.cdcSecret! },
  })
  await worker.start()
  t.teardown(() => worker.stop())
  await eventually(() => w.app.cdcIngest!.connections() === 1, 10_000, 'the CDC worker to connect')
  return { ...w, baseUrl, worker, sync }
}
