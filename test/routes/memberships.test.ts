import t from 'tap'
import { as, outbox, sessionCookieOf, verifyEmail } from '../helper.js'
import { world } from './world.js'

const { app, database, users, orgs } = await world(t)
// The invitees of these tests proved their address (unverified ones: email-verification.test.ts).
await verifyEmail(app, users.eve)
await verifyEmail(app, users.bob)
/** What the invitations sent (the world's sign-ups also sent verification mails). */
const invitationMails = async () => (await outbox(app)).filter((m) => !m.subject.startsWith('Verify your email'))
const alice = as(app, users.alice)
const pendingRows = () => database.superuser.selectFrom('inactive_memberships').selectAll().execute()
const tokenOf = (text: string) => /inviteToken=([^&\s]+)/.exec(text)?.[1]

t.test('invite: existing users get a pending invitation, unknown emails a token, by mail after commit', async (t) => {
  const res = await alice('POST', '/aaaaaa/org-x/memberships', {
    emails: ['dave@example.com', 'eve@example.com', 'newbie@example.com', 'NEWBIE@example.com'], role: 'member',
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { invitesSentCount: 2, rejectedIds: ['dave@example.com'] })
  const pending = await pendingRows()
  t.same(pending.map((p) => [p.email, p.user_id !== null, p.token_id !== null]).sort(), [
    ['eve@example.com', true, false],
    ['newbie@example.com', false, true],
  ])
  const mails = await invitationMails()
  t.same(mails.map((m) => m.to).sort(), ['eve@example.com', 'newbie@example.com'])
  t.ok(tokenOf(mails.find((m) => m.to === 'newbie@example.com')!.text), 'the unknown email gets a sign-up token')
  t.notOk(tokenOf(mails.find((m) => m.to === 'eve@example.com')!.text), 'an existing user gets no token')
  const stored = await database.superuser.selectFrom('tokens').select('secret').execute()
  t.notOk(mails.some((m) => stored.some((s) => m.text.includes(s.secret))), 'the table keeps only the hash')

  const again = await alice('POST', '/aaaaaa/org-x/memberships', { emails: ['eve@example.com'], role: 'member' })
  t.same(again.json(), { invitesSentCount: 0, rejectedIds: ['eve@example.com'] }, 'no second invitation')
})

t.test('invite failures write nothing and send nothing', async (t) => {
  const before = { pending: (await pendingRows()).length, mails: (await invitationMails()).length }
  const member = await as(app, users.dave)('POST', '/aaaaaa/org-x/memberships', { emails: ['x@example.com'], role: 'member' })
  t.equal(member.statusCode, 403, 'members cannot invite')
  t.equal((await as(app, users.carol)('POST', '/aaaaaa/org-x/memberships', { emails: ['x@example.com'], role: 'member' })).statusCode, 403)
  t.equal((await alice('POST', '/aaaaaa/org-x/memberships', { emails: [], role: 'member' })).statusCode, 400)
  t.equal((await alice('POST', '/aaaaaa/org-x/memberships', { emails: ['not-an-email'], role: 'member' })).statusCode, 400)
  t.equal((await alice('POST', '/aaaaaa/org-x/memberships', { emails: ['a@b.io'], role: 'owner' })).statusCode, 400)
  t.equal((await alice('POST', '/aaaaaa/org-x/memberships', { emails: Array.from({ length: 51 }, (_, i) => `u${i}@x.io`), role: 'member' })).statusCode, 400)
  t.same({ pending: (await pendingRows()).length, mails: (await invitationMails()).length }, before)
})

t.test('pending list, my invitations, accept by the invitee only', async (t) => {
  const pending = await alice('GET', '/aaaaaa/org-x/memberships/pending')
  t.equal(pending.json().total, 2)
  const mine = await as(app, users.eve)('GET', '/me/invitations')
  t.equal(mine.json().total, 1)
  const invitation = mine.json().items[0]
  t.equal(invitation.organizationId, orgs.x)
  const url = `/aaaaaa/${orgs.x}/memberships/${invitation.id}/accept`
  t.equal((await as(app, users.bob)('POST', url)).statusCode, 404, 'someone else cannot accept it')
  t.equal((await as(app, users.eve)('POST', `/bbbbbb/${orgs.x}/memberships/${invitation.id}/accept`)).statusCode, 404, 'not under another tenant')
  const accepted = await as(app, users.eve)('POST', url)
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json(), { role: 'member', organizationId: orgs.x, userId: users.eve.user.id })
  t.equal((await as(app, users.eve)('POST', url)).statusCode, 404, 'only once')
  const mail = (await invitationMails()).find((m) => m.to === 'alice@example.com')
  t.match(mail?.subject, /eve@example.com joined/, 'the inviter hears about it')
  const eveCanRead = await as(app, users.eve)('GET', '/aaaaaa/org-x/pages')
  t.equal(eveCanRead.statusCode, 200, 'eve is a member now')
})

t.test('reject an invitation', async (t) => {
  await alice('POST', '/aaaaaa/org-x/memberships', { emails: ['bob@example.com'], role: 'admin' })
  const [invitation] = (await as(app, users.bob)('GET', '/me/invitations')).json().items
  const res = await as(app, users.bob)('POST', `/aaaaaa/${orgs.x}/memberships/${invitation.id}/reject`)
  t.equal(res.statusCode, 204)
  t.equal((await as(app, users.bob)('GET', '/me/invitations')).json().total, 0)
  t.equal((await as(app, users.bob)('GET', '/aaaaaa/org-x/pages')).statusCode, 403, 'bob did not join')
})

t.test('sign-up with the invitation token joins the organization; a token works once, for its email', async (t) => {
  const mail = (await invitationMails()).find((m) => m.to === 'newbie@example.com')!
  const token = decodeURIComponent(tokenOf(mail.text)!)
  const wrongEmail = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'mallory@example.com', password: 'password-123', inviteToken: token } })
  t.equal(wrongEmail.statusCode, 400)
  t.equal(wrongEmail.json().error.type, 'invalid_invite_token')
  const mallory = await database.superuser.selectFrom('users').select('id').where('email', '=', 'mallory@example.com').execute()
  t.equal(mallory.length, 0, 'the failed sign-up left no user behind')

  const res = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'newbie@example.com', password: 'password-123', inviteToken: token } })
  t.equal(res.statusCode, 201)
  const newbie = { cookie: sessionCookieOf(res.headers['set-cookie']), user: res.json().user }
  t.equal(newbie.user.emailVerified, true, 'the invitation token proved the address')
  t.notOk((await outbox(app)).some((m) => m.to === 'newbie@example.com' && m.subject.startsWith('Verify')), 'so no verification mail')
  const memberships = await as(app, newbie)('GET', '/me/memberships')
  t.same(memberships.json().items.map((m: { organizationId: string; role: string }) => [m.organizationId, m.role]), [[orgs.x, 'member']])
  t.equal((await pendingRows()).length, 0, 'no invitation is left pending')

  const replay = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'newbie2@example.com', password: 'password-123', inviteToken: token } })
  t.equal(replay.statusCode, 400, 'a used token is refused')
})

t.test('members and users lists', async (t) => {
  const members = await alice('GET', '/aaaaaa/org-x/memberships/members?sort=email')
  t.equal(members.statusCode, 200)
  t.same(members.json().items.map((m: { email: string }) => m.email), ['alice@example.com', 'dave@example.com', 'eve@example.com', 'newbie@example.com'])
  t.equal(members.json().items[0].membership.role, 'admin')
  t.same((await alice('GET', '/aaaaaa/org-x/memberships/members?q=dav')).json().items.map((m: { email: string }) => m.email), ['dave@example.com'])
  t.same((await alice('GET', '/aaaaaa/org-x/memberships/members?role=admin')).json().total, 1)
  const paged = await alice('GET', '/aaaaaa/org-x/memberships/members?sort=email&order=desc&limit=1&offset=1')
  t.same(paged.json().items.map((m: { email: string }) => m.email), ['eve@example.com'])
  t.equal(paged.json().total, 4)
  t.equal((await alice('GET', '/aaaaaa/org-x/memberships/members?sort=age')).statusCode, 400)
  const users_ = await as(app, users.dave)('GET', '/aaaaaa/org-x/users')
  t.equal(users_.json().total, 4)
  const one = await as(app, users.dave)('GET', `/aaaaaa/org-x/users/${users.alice.user.id}`)
  t.match(one.json(), { email: 'alice@example.com', role: 'admin' })
  t.equal((await as(app, users.dave)('GET', `/aaaaaa/org-x/users/${users.bob.user.id}`)).statusCode, 404, 'not a member of X')
  t.equal((await as(app, users.bob)('GET', '/aaaaaa/org-x/users')).statusCode, 403)
})

t.test('update memberships: roles by admins, own settings by members, at least one admin', async (t) => {
  const byEmail = async (email: string) => (await alice('GET', `/aaaaaa/org-x/memberships/members?q=${email}`)).json().items[0].membership
  const daveM = await byEmail('dave@example.com')
  const aliceM = await byEmail('alice@example.com')
  const escalate = await as(app, users.dave)('PUT', `/aaaaaa/org-x/memberships/${daveM.id}`, { role: 'admin' })
  t.equal(escalate.statusCode, 403, 'a member cannot promote themselves')
  const mute = await as(app, users.dave)('PUT', `/aaaaaa/org-x/memberships/${daveM.id}`, { muted: true, displayOrder: 3 })
  t.equal(mute.statusCode, 200)
  t.match(mute.json(), { muted: true, displayOrder: 3, role: 'member' })
  t.equal((await as(app, users.dave)('PUT', `/aaaaaa/org-x/memberships/${aliceM.id}`, { muted: true })).statusCode, 403, "not someone else's")
  t.equal((await alice('PUT', `/aaaaaa/org-x/memberships/${daveM.id}`, {})).statusCode, 400)

  const lastAdmin = await alice('PUT', `/aaaaaa/org-x/memberships/${aliceM.id}`, { role: 'member' })
  t.equal(lastAdmin.statusCode, 409)
  t.equal(lastAdmin.json().error.type, 'last_admin')
  t.equal((await alice('DELETE', '/aaaaaa/org-x/memberships', { ids: [aliceM.id] })).statusCode, 409, 'the last admin cannot leave')

  t.equal((await alice('PUT', `/aaaaaa/org-x/memberships/${daveM.id}`, { role: 'admin' })).json().role, 'admin')
  t.equal((await alice('PUT', `/aaaaaa/org-x/memberships/${aliceM.id}`, { role: 'member' })).json().role, 'member', 'fine once another admin exists')
  const row = await database.superuser.selectFrom('memberships').select('role').where('id', '=', aliceM.id).executeTakeFirstOrThrow()
  t.equal(row.role, 'member')
  t.equal((await as(app, users.carol)('PUT', `/bbbbbb/org-x/memberships/${daveM.id}`, { role: 'member' })).statusCode, 404, 'not from another tenant')
})

t.test('delete memberships: admins remove anyone, members only themselves', async (t) => {
  const eveM = (await as(app, users.dave)('GET', '/aaaaaa/org-x/memberships/members?q=eve')).json().items[0].membership
  const newbieM = (await as(app, users.dave)('GET', '/aaaaaa/org-x/memberships/members?q=newbie')).json().items[0].membership
  const eveTries = await as(app, users.eve)('DELETE', '/aaaaaa/org-x/memberships', { ids: [newbieM.id, eveM.id] })
  t.same(eveTries.json(), { data: [{ id: eveM.id }], rejectedIds: [newbieM.id] }, 'eve leaves, cannot remove newbie')
  const byAdmin = await as(app, users.dave)('DELETE', '/aaaaaa/org-x/memberships', { ids: [newbieM.id] })
  t.same(byAdmin.json(), { data: [{ id: newbieM.id }], rejectedIds: [] })
  const left = await database.superuser.selectFrom('memberships').select('user_id').where('organization_id', '=', orgs.x).execute()
  t.equal(left.length, 2)
})
