import t from 'tap'
import { runFaults } from './cases.js'
import { ChaosWorld, OwnCluster } from './world.js'

// The notify source: no worker, no WebSocket; the API process sequences, on a PostgreSQL of this file's own.
const cluster = await OwnCluster.start()
const world = await ChaosWorld.start('notify', cluster.urls)
t.teardown(async () => {
  await world.stop()
  await cluster.stop()
})
await runFaults(t, world, cluster)
