import t from 'tap'
import { runFaults } from '../chaos/cases.js'
import { ChaosWorld } from '../chaos/world.js'
import { testDatabase } from '../helper.js'

// The cheapest case of the chaos suite (`npm run chaos` runs them all), in the default run: the
// API process killed with SIGKILL and restarted under ~20 writes/s (notify source, so no
// cluster-wide replication slot on the shared PostgreSQL).
const db = await testDatabase(t)
const world = await ChaosWorld.start('notify', { name: db.name, admin: db.superuserUrl, runtime: db.runtimeUrl, cdc: db.cdcUrl }, { users: 1 })
t.teardown(() => world.stop())
await runFaults(t, world, undefined, { names: ['API SIGKILL'], calmMs: 1_500 })
