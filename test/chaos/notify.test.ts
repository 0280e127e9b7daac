import t from 'tap'
import { runFaults } from './cases.js'
import { ChaosWorld, OwnCluster } from './world.js'

// The notify source: no worker, no WebSocket; the API processes sequence (one at a time), on a PostgreSQL of this file's own.
const cluster = await OwnCluster.start()
// Two API instances (readers alternate between them); 10 users share the 100 streams of the SIGTERM case.
const world = await ChaosWorld.start('notify', cluster.urls, { users: 10, instances: 2 })
t.teardown(async () => {
  await world.stop()
  await cluster.stop()
})
await runFaults(t, world, cluster)
