import { spawnSync } from 'node:child_process'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { testDatabase } from './helper.js'

t.test('db:maintenance deletes expired sessions, used tokens and old activities, and nothing else', async (t) => {
  const db = await testDatabase(t)
  const su = db.superuser
  const userId = uuid()
  await su.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
  await su.insertInto('users').values({ id: userId, email: 'm@example.com' }).execute()
  const day = 24 * 3600 * 1000
  await su.insertInto('sessions').values([
    { id: uuid(), secret: 'expired', user_id: userId, expires_at: new Date(Date.now() - day), user_agent: null, ip: null },
    { id: uuid(), secret: 'live', user_id: userId, expires_at: new Date(Date.now() + day), user_agent: null, ip: null },
  ]).execute()
  await su.insertInto('tokens').values([
    { id: uuid(), secret: 'used', type: 'invitation', email: 'x@y.io', expires_at: new Date(Date.now() + day), consumed_at: new Date() },
    { id: uuid(), secret: 'fresh', type: 'invitation', email: 'x@y.io', expires_at: new Date(Date.now() + day) },
  ]).execute()
  await su.insertInto('activities').values([
    { id: 'a1', tenant_id: 'aaaaaa', entity_type: 'page', entity_id: 'p', action: 'create', created_at: new Date(Date.now() - 40 * day) },
    { id: 'a2', tenant_id: 'aaaaaa', entity_type: 'page', entity_id: 'p', action: 'update', created_at: new Date() },
  ]).execute()

  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-maintenance.ts', '--retention-days=30'], {
    env: { ...process.env, DATABASE_ADMIN_URL: db.superuserUrl }, encoding: 'utf8', timeout: 30_000,
  })
  t.equal(run.status, 0, run.stderr)
  t.same((await su.selectFrom('sessions').select('secret').execute()).map((r) => r.secret), ['live'])
  t.same((await su.selectFrom('tokens').select('secret').execute()).map((r) => r.secret), ['fresh'])
  t.same((await su.selectFrom('activities').select('id').execute()).map((r) => r.id), ['a2'])

  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-maintenance.ts', '--retention-days=0'], {
    env: { ...process.env, DATABASE_ADMIN_URL: db.superuserUrl }, encoding: 'utf8', timeout: 30_000,
  })
  t.equal(bad.status, 1, 'a bad flag is refused')
})
