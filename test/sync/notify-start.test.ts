import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { loadApiEnv } from '../../config/env.js'
import { optionsFromEnv } from '../../config/env-options.js'
import { eventually, testDatabase } from '../helper.js'
import { startServer } from '../ops/server-process.js'

// Issue 18.7: the notify source from `npm start` (SYNC_SOURCE=notify), with no manual ALTER DATABASE.

t.test('SYNC_SOURCE maps to the sync option; the notify source needs no CDC secret', async (t) => {
  const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@h/db', COOKIE_SECRET: 'test-cookie-secret-0123456789' }
  const notify = loadApiEnv({ ...base, SYNC_SOURCE: 'notify' })
  t.same(optionsFromEnv(notify, undefined).sync, { source: 'notify' })
  t.same(optionsFromEnv(loadApiEnv({ ...base, CDC_SECRET: 'test-cdc-secret-0123456789' }), undefined).sync, { source: 'replication' }, 'replication by default')
  t.throws(() => loadApiEnv({ ...base, SYNC_SOURCE: 'replication' }), /CDC_SECRET/, 'replication still needs the CDC secret')
  t.throws(() => loadApiEnv({ ...base, SYNC_SOURCE: 'wal2json' }), /SYNC_SOURCE/)
})

t.test('npm start with SYNC_SOURCE=notify: sets the database up, starts no worker, /ready checks the prerequisites', async (t) => {
  const db = await testDatabase(t)
  const server = await startServer({
    NODE_ENV: 'production', DEV_MODE: 'full', SYNC_SOURCE: 'notify',
    DATABASE_URL: db.runtimeUrl, DATABASE_ADMIN_URL: db.superuserUrl, CDC_DATABASE_URL: db.cdcUrl,
    COOKIE_SECRET: 'test-cookie-secret-0123456789', CDC_SECRET: '',
  })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const ready = async () => { const res = await fetch(`${server.baseUrl}/ready`); return { status: res.status, body: await res.json() as { checks: Record<string, string[]> } } }

  const first = await ready()
  t.equal(first.status, 200, JSON.stringify(first.body))
  t.same(first.body.checks['notify-source'], [])
  t.notOk('cdc' in first.body.checks, 'no CDC ingest')
  t.notMatch(server.output(), /cdc ingest connected|cdc worker/i, 'no CDC worker started')
  const { rows: slots } = await sql`select 1 from pg_replication_slots where database = ${db.name}`.execute(db.superuser)
  t.equal(slots.length, 0, 'no replication slot')

  // A change written with plain SQL, by a session that never set anything, becomes an activity.
  await db.superuser.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
  const orgId = uuid()
  await db.superuser.insertInto('organizations').values({ id: orgId, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' }).execute()
  const pageId = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title) values (${pageId}, 'aaaaaa', ${orgId}, 'Hello')`.execute(db.superuser)
  await eventually(async () => (await db.superuser.selectFrom('activities').select('id').where('entity_id', '=', pageId).execute()).length === 1,
    10_000, 'the page activity')

  await sql`alter table pages disable trigger pages_record_change`.execute(db.superuser)
  const broken = await ready()
  t.equal(broken.status, 503)
  t.same(broken.body.checks['notify-source'], ['table pages has no enabled app.record_change trigger'])
  await sql`alter table pages enable trigger pages_record_change`.execute(db.superuser)

  await sql`alter database ${sql.id(db.name)} reset strata.sync_source`.execute(db.superuser)
  // The setting reaches sessions opened after it: end the server's pooled ones. A check that
  // meets one of them as it is terminated reports that instead, once; the pool then replaces it.
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db.name} and usename = 'runtime_role'`.execute(db.superuser)
  const notSet = /not set to the notify source/
  const unset = await eventually(async () => { const r = await ready(); return notSet.test(r.body.checks['notify-source']?.[0] ?? '') && r }, 10_000, 'the unset source')
  t.equal(unset.status, 503)
  t.match(unset.body.checks['notify-source']![0], notSet)
})
