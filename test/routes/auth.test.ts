import t from 'tap'
import { sha256 } from '../../lib/secrets.js'
import { as, build, sameOrigin, sessionCookieOf, signUp } from '../helper.js'

const { app, db } = await build(t)
const database = db!

t.test('sign-up: 201, a session cookie, only the hash stored', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'Ada@Example.com', password: 'password-123', name: 'Ada' } })
  t.equal(res.statusCode, 201)
  t.equal(res.json().user.email, 'ada@example.com', 'email is normalised')
  t.equal(res.json().user.name, 'Ada')
  t.notOk('password' in res.json().user)
  t.equal(res.json().user.emailVerified, false, 'unverified until the mailed link is used (email-verification.test.ts)')
  const header = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('strata-session='))!
  t.match(header, /HttpOnly/)
  t.match(header, /SameSite=Lax/)
  t.match(header, /; Secure/, 'Secure unless development turns it off')
  const value = decodeURIComponent(sessionCookieOf(header).split('=').slice(1).join('='))
  const token = value.slice(0, value.lastIndexOf('.'))
  const session = await database.superuser.selectFrom('sessions').selectAll().executeTakeFirstOrThrow()
  t.equal(session.secret, sha256(token), 'the table holds sha256 of the token')
  t.notOk(value.includes(session.secret), 'the cookie never holds the stored hash')
  const password = await database.superuser.selectFrom('passwords').selectAll().executeTakeFirstOrThrow()
  t.match(password.hash, /^\$argon2id\$/, 'argon2id')
})

t.test('sign-up failures', async (t) => {
  const dup = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'ADA@example.com', password: 'password-123' } })
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().error.type, 'email_exists')
  const weak = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'weak@example.com', password: 'short' } })
  t.equal(weak.statusCode, 400)
  t.equal(weak.json().error.type, 'validation_error')
  t.match(weak.json().error.message, /body\.password/)
  const badEmail = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'nope', password: 'password-123' } })
  t.equal(badEmail.statusCode, 400)
  t.match(badEmail.json().error.message, /body\.email/)
  const users = await database.superuser.selectFrom('users').select('email').execute()
  t.same(users.map((u) => u.email), ['ada@example.com'], 'nothing else was written')
})

t.test('sign-in: success, wrong password and unknown email answer alike', async (t) => {
  const ok = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { email: 'ada@example.com', password: 'password-123' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().user.email, 'ada@example.com')
  t.ok(sessionCookieOf(ok.headers['set-cookie']))
  const wrong = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { email: 'ada@example.com', password: 'password-999' } })
  const unknown = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { email: 'who@example.com', password: 'password-123' } })
  for (const res of [wrong, unknown]) {
    t.equal(res.statusCode, 401)
    t.equal(res.json().error.type, 'invalid_credentials')
    t.equal(res.headers['set-cookie'], undefined, 'no cookie')
  }
  const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: undefined })
  t.same(strip(wrong.json()), strip(unknown.json()), 'identical bodies')
})

t.test('GET /me and PUT /me', async (t) => {
  const ada = await signUp(app, 'me@example.com', 'password-123', 'Me')
  const me = await as(app, ada)('GET', '/me')
  t.equal(me.statusCode, 200)
  t.same(me.json(), { user: ada.user, systemRole: null })
  const put = await as(app, ada)('PUT', '/me', { name: 'Renamed' })
  t.equal(put.statusCode, 200)
  t.equal(put.json().user.name, 'Renamed')
  const bad = await as(app, ada)('PUT', '/me', { name: '' })
  t.equal(bad.statusCode, 400)
})

t.test('401s: no cookie, a forged cookie, an expired session', async (t) => {
  const none = await app.inject({ method: 'GET', url: '/me' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().error.type, 'no_session')

  const forged = await app.inject({ method: 'GET', url: '/me', headers: { cookie: 'strata-session=abc.def' } })
  t.equal(forged.statusCode, 401)
  t.equal(forged.json().error.type, 'unauthorized')
  t.match(String(forged.headers['set-cookie']), /strata-session=;/, 'the cookie is cleared')

  // Verified cookies are remembered: a tampered copy of one that passed must still fail.
  const genuine = await signUp(app, 'genuine@example.com')
  t.equal((await as(app, genuine)('GET', '/me')).statusCode, 200)
  const [name, value] = [genuine.cookie.slice(0, genuine.cookie.indexOf('=')), decodeURIComponent(genuine.cookie.slice(genuine.cookie.indexOf('=') + 1))]
  const dot = value.lastIndexOf('.')
  const flip = (c: string) => (c === 'A' ? 'B' : 'A')
  for (const [what, tampered] of [
    ['signature', `${value.slice(0, -1)}${flip(value.at(-1)!)}`],
    ['token', `${flip(value[0]!)}${value.slice(1, dot)}${value.slice(dot)}`],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: { cookie: `${name}=${encodeURIComponent(tampered)}` } })
    t.equal(res.statusCode, 401, `a cookie with a tampered ${what} is refused`)
  }

  const someone = await signUp(app, 'expired@example.com')
  await database.superuser.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) })
    .where('user_id', '=', someone.user.id).execute()
  const expired = await as(app, someone)('GET', '/me')
  t.equal(expired.statusCode, 401)
  t.equal(expired.json().error.type, 'session_expired')
  t.match(String(expired.headers['set-cookie']), /strata-session=;/, 'the cookie is cleared')
  const left = await database.superuser.selectFrom('sessions').where('user_id', '=', someone.user.id).selectAll().execute()
  t.equal(left.length, 0, 'the expired session row is gone')
})

t.test('sliding expiry extends a session in use', async (t) => {
  const user = await signUp(app, 'slide@example.com')
  const soon = new Date(Date.now() + 2 * 24 * 3600 * 1000)
  await database.superuser.updateTable('sessions').set({ expires_at: soon }).where('user_id', '=', user.user.id).execute()
  const res = await as(app, user)('GET', '/me')
  t.equal(res.statusCode, 200)
  t.ok(res.headers['set-cookie'], 'the cookie is refreshed')
  const row = await database.superuser.selectFrom('sessions').select('expires_at').where('user_id', '=', user.user.id).executeTakeFirstOrThrow()
  t.ok(row.expires_at.getTime() > Date.now() + 6.9 * 24 * 3600 * 1000, 'extended to about 7 days')
})

t.test('sign-out deletes the session and clears the cookie', async (t) => {
  const user = await signUp(app, 'bye@example.com')
  const res = await as(app, user)('POST', '/auth/sign-out')
  t.equal(res.statusCode, 204)
  t.match(String(res.headers['set-cookie']), /strata-session=;/)
  const left = await database.superuser.selectFrom('sessions').where('user_id', '=', user.user.id).selectAll().execute()
  t.equal(left.length, 0)
  t.equal((await as(app, user)('GET', '/me')).statusCode, 401, 'the old cookie no longer works')
})

t.test('CSRF: cookie-authenticated mutations need our Origin', async (t) => {
  const user = await signUp(app, 'csrf@example.com')
  const noOrigin = await app.inject({ method: 'PUT', url: '/me', headers: { cookie: user.cookie }, payload: { name: 'x' } })
  t.equal(noOrigin.statusCode, 403)
  t.equal(noOrigin.json().error.type, 'csrf_origin_mismatch')
  const evil = await app.inject({ method: 'PUT', url: '/me', headers: { cookie: user.cookie, origin: 'https://evil.example.com' }, payload: { name: 'x' } })
  t.equal(evil.statusCode, 403)
  const good = await app.inject({ method: 'PUT', url: '/me', headers: { cookie: user.cookie, origin: sameOrigin }, payload: { name: 'x' } })
  t.equal(good.statusCode, 200)
  const read = await app.inject({ method: 'GET', url: '/me', headers: { cookie: user.cookie } })
  t.equal(read.statusCode, 200, 'reads need no Origin')
})

t.test('login CSRF: another origin cannot sign a visitor in or up, with or without a cookie', async (t) => {
  await signUp(app, 'victim-of-login-csrf@example.com')
  const signIn = (origin?: string) => app.inject({
    method: 'POST', url: '/auth/sign-in', headers: origin ? { origin } : {},
    payload: { email: 'victim-of-login-csrf@example.com', password: 'password-123' },
  })
  for (const origin of ['https://evil.example.com', 'null']) {
    const res = await signIn(origin)
    t.equal(res.statusCode, 403, `sign-in from ${origin}`)
    t.equal(res.json().error.type, 'csrf_origin_mismatch')
    t.notOk(res.headers['set-cookie'], 'no session cookie')
  }
  const before = await database.superuser.selectFrom('users').select('id').execute()
  const signUpEvil = await app.inject({ method: 'POST', url: '/auth/sign-up', headers: { origin: 'https://evil.example.com' }, payload: { email: 'planted@example.com', password: 'password-123' } })
  t.equal(signUpEvil.statusCode, 403, 'sign-up from another origin')
  t.equal((await database.superuser.selectFrom('users').select('id').execute()).length, before.length, 'no user created')
  t.equal((await signIn(sameOrigin)).statusCode, 200, 'our own origin signs in')
  t.equal((await signIn()).statusCode, 200, 'a client that names no origin (not a browser) signs in')
})
