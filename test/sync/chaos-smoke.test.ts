import t from 'tap'
import { runFaults } from '../chaos/cases.js'
import { ChaosWorld } from '../chaos/world.js'
import { testDatabase } from '../helper.js'

// The cheapest cases of the chaos suite (`npm run chaos` runs them all), in the default run, under
// ~20 writes/s (notify source, so no cluster-wide replication slot on the shared PostgreSQL): the
// API process killed with SIGKILL and restarted, and stopped with SIGTERM with 10 open streams
// (the suite's case has 100), each of which must get a `retry:` before it closes.
const db = await testDatabase(t)
const world = await ChaosWorld.start('notify', { name: db.name, admin: db.superuserUrl, runtime: db.runtimeUrl, cdc: db.cdcUrl }, { users: 1 })
t.teardown(() => world.stop())
await runFaults(t, world, undefined, { names: ['API SIGKILL', 'API SIGTERM with 10 streams'], calmMs: 1_500, streams: 10 })
