import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { withUserContext } from '../../db/rls.js'
import { demoEmail, seedDemo, seedSystemAdmin } from '../../db/seed.js'
import { sha256 } from '../../lib/secrets.js'
import { as, build, outbox, signUp, testDatabase, verificationToken, verifyEmail } from '../helper.js'
import { world } from './world.js'

const { app, database, users, orgs } = await world(t)
const verify = (token: string) => app.inject({ method: 'POST', url: '/auth/verify-email', payload: { token } })

t.test('sign-up mails a single-use verification link; only its hash is stored', async (t) => {
  const ada = await signUp(app, 'ada@example.com')
  t.equal(ada.user.emailVerified, false, 'a new account is unverified')
  const [mail] = (await outbox(app)).filter((m) => m.to === 'ada@example.com')
  t.match(mail?.subject, /Verify your email/)
  const token = await verificationToken(app, 'ada@example.com')
  const row = await database.superuser.selectFrom('tokens').selectAll().where('user_id', '=', ada.user.id).executeTakeFirstOrThrow()
  t.match(row, { type: 'email_verification', email: 'ada@example.com', secret: sha256(token), consumed_at: null })
  t.ok(row.expires_at.getTime() > Date.now() + 23 * 3600_000, 'valid for about a day')
  t.notOk(mail!.text.includes(row.secret), 'the mail never carries the stored hash')

  const res = await verify(token)
  t.equal(res.statusCode, 200)
  t.match(res.json().user, { id: ada.user.id, emailVerified: true })
  t.equal((await as(app, ada)('GET', '/me')).json().user.emailVerified, true, 'the session sees it at once')

  const replay = await verify(token)
  t.equal(replay.statusCode, 400)
  t.match(replay.json().error, { status: 400, type: 'verification_token_used', severity: 'info' })
  const unknown = await verify('x'.repeat(43))
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().error.type, 'invalid_verification_token')
})

t.test('an expired link is refused and verifies nothing', async (t) => {
  const bea = await signUp(app, 'bea@example.com')
  const token = await verificationToken(app, 'bea@example.com')
  await database.superuser.updateTable('tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', bea.user.id).execute()
  const res = await verify(token)
  t.equal(res.statusCode, 400)
  t.equal(res.json().error.type, 'verification_token_expired')
  t.equal((await as(app, bea)('GET', '/me')).json().user.emailVerified, false)
})

t.test('pre-registration cannot hijack an invitation: unverified accounts neither see nor answer it', async (t) => {
  // The attacker signs up with the victim's address before the invitation is sent.
  const attacker = await signUp(app, 'victim@example.com', 'attacker-password')
  const invite = await as(app, users.alice)('POST', '/aaaaaa/org-x/memberships', { emails: ['victim@example.com'], role: 'admin' })
  t.same(invite.json(), { invitesSentCount: 1, rejectedIds: [] })
  const [pending] = (await as(app, users.alice)('GET', '/aaaaaa/org-x/memberships/pending?q=victim')).json().items
  t.equal(pending.userId, attacker.user.id, 'the invitation is bound to the account that has the address')

  const seen = await as(app, attacker)('GET', '/me/invitations')
  t.same(seen.json(), { items: [], total: 0 }, 'the unverified account does not see it')
  const url = `/aaaaaa/${orgs.x}/memberships/${pending.id}`
  for (const action of ['accept', 'reject']) {
    const res = await as(app, attacker)('POST', `${url}/${action}`)
    t.equal(res.statusCode, 403, `${action} is refused even knowing the id`)
    t.match(res.json().error, { status: 403, type: 'email_not_verified' })
  }
  t.equal((await as(app, attacker)('GET', '/aaaaaa/org-x/pages')).statusCode, 403, 'not a member')

  // The database refuses too, whatever the routes do (runtime role, the attacker's user context).
  const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
  t.teardown(() => runtime.destroy())
  await withUserContext(runtime, attacker.user.id, async (db) => {
    t.equal((await db.selectFrom('inactive_memberships').selectAll().execute()).length, 0, 'SQL: no invitation visible')
    t.equal((await db.deleteFrom('inactive_memberships').where('id', '=', pending.id).execute())[0]?.numDeletedRows, 0n, 'SQL: none deletable')
  })
  const insert = withUserContext(runtime, attacker.user.id, (db) => db.insertInto('memberships').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, user_id: attacker.user.id, role: 'admin',
  }).execute())
  await t.rejects(insert, { code: '42501' }, 'SQL: the invited membership cannot be inserted')

  // Whoever reads the mailbox verifies the address; then the invitation works.
  await verifyEmail(app, attacker)
  const visible = await as(app, attacker)('GET', '/me/invitations')
  t.equal(visible.json().total, 1, 'visible once verified')
  const accepted = await as(app, attacker)('POST', `${url}/accept`)
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json(), { organizationId: orgs.x, role: 'admin' })
})

t.test('resend: signed-in only, a new link replaces the old, one per interval, nothing once verified', async (t) => {
  const { app } = await build(t, { rateLimit: { verificationMailIntervalMs: 1_000 } })
  const cyd = await signUp(app, 'cyd@example.com')
  const first = await verificationToken(app, 'cyd@example.com')
  const resend = () => as(app, cyd)('POST', '/auth/verify-email/resend')
  t.equal((await as(app, undefined)('POST', '/auth/verify-email/resend')).statusCode, 401)

  t.equal((await resend()).statusCode, 204)
  const second = await verificationToken(app, 'cyd@example.com')
  t.not(second, first, 'a new link was mailed')
  const limited = await resend()
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().error.type, 'rate_limited')
  t.ok(Number(limited.headers['retry-after']) >= 1, 'Retry-After is set')
  t.equal((await outbox(app)).filter((m) => m.to === 'cyd@example.com').length, 2, 'the refused resend sent nothing')

  const old = await app.inject({ method: 'POST', url: '/auth/verify-email', payload: { token: first } })
  t.equal(old.json().error?.type, 'invalid_verification_token', 'the earlier link no longer works')
  t.equal((await app.inject({ method: 'POST', url: '/auth/verify-email', payload: { token: second } })).statusCode, 200)
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  const done = await resend()
  t.equal(done.statusCode, 409)
  t.equal(done.json().error.type, 'email_already_verified')
})

t.test('seeded users (first system admin, embedded demo) are verified', async (t) => {
  const fresh = await testDatabase(t)
  t.ok(await seedSystemAdmin(fresh.superuserUrl, 'root@example.com', 'password-123'))
  t.ok(await seedDemo(fresh.superuserUrl, 'password-123'))
  const seeded = await fresh.superuser.selectFrom('users').select(['email', 'email_verified_at'])
    .where('email', 'in', ['root@example.com', demoEmail]).execute()
  t.equal(seeded.length, 2)
  t.ok(seeded.every((u) => u.email_verified_at !== null))
})
