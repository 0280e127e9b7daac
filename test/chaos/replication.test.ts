import t from 'tap'
import { runFaults } from './cases.js'
import { ChaosWorld, OwnCluster } from './world.js'

// The replication source: worker and API as processes, on a PostgreSQL of this file's own.
const cluster = await OwnCluster.start()
const world = await ChaosWorld.start('replication', cluster.urls)
t.teardown(async () => {
  await world.stop()
  await cluster.stop()
})
await runFaults(t, world, cluster)
