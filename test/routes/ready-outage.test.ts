import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createDatabaseIfMissing } from '../../db/bootstrap.js'
import { startEmbeddedPostgres } from '../../db/embedded.js'
import { migrateToLatest } from '../../db/migrate.js'
import { ensureRoles } from '../../db/roles.js'
import { freePort } from '../harness/cluster.js'
import { build } from '../helper.js'

// This file stops and restarts a PostgreSQL of its own, so it cannot share the harness's.
t.test('/ready turns 503 while the database is down and 200 when it is back', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-outage-'))
  await chmod(dir, 0o755)
  const options = { dir: path.join(dir, 'data'), port: await freePort(), superuserPassword: 'outage' }
  let embedded = await startEmbeddedPostgres(options)
  t.teardown(async () => {
    await embedded.stop()
    await rm(dir, { recursive: true, force: true })
  })
  await createDatabaseIfMissing(embedded.superuserUrl, 'strata')
  const adminUrl = embedded.urlFor('postgres', 'outage', 'strata')
  const runtimeUrl = embedded.urlFor('runtime_role', 'runtime-outage', 'strata')
  const roles = await ensureRoles({ adminUrl, runtimeUrl, cdcUrl: embedded.urlFor('cdc_role', 'cdc-outage', 'strata') })
  await migrateToLatest(adminUrl, roles)

  const { app } = await build(t, { database: { url: runtimeUrl, poolMax: 2, connectionTimeoutMs: 1_000 } }, { database: false })
  const ready = () => app.inject({ method: 'GET', url: '/ready' })

  t.equal((await ready()).statusCode, 200, 'ready while up')

  await embedded.stop()
  const down = await ready()
  t.equal(down.statusCode, 503, 'not ready while down')
  t.equal(down.json().status, 'not_ready')
  t.ok(down.json().checks.database.length > 0, 'the database check names its problem')
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'still alive')

  embedded = await startEmbeddedPostgres(options)
  t.equal((await ready()).statusCode, 200, 'ready again once the database is back')
})
