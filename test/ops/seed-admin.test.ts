import t from 'tap'
import { v7 as uuid } from 'uuid'
import { seedDemo, seedSystemAdmin } from '../../db/seed.js'
import { hashPassword, verifyPassword } from '../../lib/secrets.js'
import { testDatabase } from '../helper.js'

t.test('the configured admin is created even though the demo (a system admin) exists', async (t) => {
  const db = await testDatabase(t)
  t.ok(await seedDemo(db.superuserUrl, 'demo-password-123'))
  t.equal(await seedSystemAdmin(db.superuserUrl, 'Ops@Example.com', 'configured-password'), 'created')
  const admins = await db.superuser.selectFrom('system_roles').innerJoin('users', 'users.id', 'system_roles.user_id')
    .select('users.email').where('role', '=', 'admin').orderBy('users.email').execute()
  t.same(admins.map((a) => a.email), ['demo@strata.local', 'ops@example.com'])
  t.equal(await seedSystemAdmin(db.superuserUrl, 'ops@example.com', 'another-password'), 'unchanged', 'later boots change nothing')
  const { hash } = await db.superuser.selectFrom('passwords').innerJoin('users', 'users.id', 'passwords.user_id')
    .select('hash').where('email', '=', 'ops@example.com').executeTakeFirstOrThrow()
  t.ok(await verifyPassword(hash, 'configured-password'), 'an admin\'s password is kept')
})

t.test('an account squatting the configured address loses its password and sessions when promoted', async (t) => {
  const db = await testDatabase(t)
  const squatter = uuid()
  await db.superuser.insertInto('users').values({ id: squatter, email: 'ops@example.com' }).execute()
  await db.superuser.insertInto('passwords').values({ user_id: squatter, hash: await hashPassword('squatter-password') }).execute()
  await db.superuser.insertInto('sessions').values({ id: uuid(), secret: 's', user_id: squatter, expires_at: new Date(Date.now() + 3_600_000), user_agent: null, ip: null }).execute()
  await db.superuser.insertInto('api_tokens').values({ secret: 't', user_id: squatter, name: 'mine', scope_tenant_id: null, expires_at: null, last_used_at: null }).execute()

  t.equal(await seedSystemAdmin(db.superuserUrl, 'ops@example.com', 'configured-password'), 'promoted')
  const { hash } = await db.superuser.selectFrom('passwords').select('hash').where('user_id', '=', squatter).executeTakeFirstOrThrow()
  t.notOk(await verifyPassword(hash, 'squatter-password'), 'the squatter\'s password no longer works')
  t.ok(await verifyPassword(hash, 'configured-password'))
  t.equal((await db.superuser.selectFrom('sessions').select('id').where('user_id', '=', squatter).execute()).length, 0, 'sessions revoked')
  t.equal((await db.superuser.selectFrom('api_tokens').select('id').where('user_id', '=', squatter).execute()).length, 0, 'API tokens revoked')
  const user = await db.superuser.selectFrom('users').select('email_verified_at').where('id', '=', squatter).executeTakeFirstOrThrow()
  t.ok(user.email_verified_at, 'verified: the operator named the address')
})
