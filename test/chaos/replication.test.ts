import t from 'tap'
import { runFaults } from './cases.js'
import { ChaosWorld, OwnCluster } from './world.js'

// The replication source: worker and API as processes, on a PostgreSQL of this file's own.
const cluster = await OwnCluster.start()
// Two API instances (readers alternate between them); 10 users share the 100 streams of the SIGTERM case.
const world = await ChaosWorld.start('replication', cluster.urls, { users: 10, instances: 2 })
t.teardown(async () => {
  await world.stop()
  await cluster.stop()
})
await runFaults(t, world, cluster)
