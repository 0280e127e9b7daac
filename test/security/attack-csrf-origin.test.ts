import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import t from 'tap'
import { build, sameOrigin, sessionCookieOf, signUp } from '../helper.js'

// Attacks on the login-CSRF check of plugins/app/csrf.ts: a state-changing request without the
// session cookie that names a foreign Origin is refused (a helper session's attack, kept).

const credentials = { email: 'csrf-victim@example.com', password: 'password-123' }

t.test('without APP_URL (the server\'s own origin)', async (t) => {
  const { app, db } = await build(t, {}, {
    routes: async (app) => {
      // Routes other plugins register after Strata, in their own encapsulated contexts.
      await app.register(async (child) => {
        child.post('/extra/post', { config: { guards: ['public'] } }, async () => ({ wrote: true }))
        child.route({ method: ['GET', 'POST'], url: '/extra/both', config: { guards: ['public'] }, handler: async () => ({ ok: true }) })
        child.all('/extra/all', { config: { guards: ['public'] } }, async () => ({ ok: true }))
      })
    },
  })
  await signUp(app, credentials.email, credentials.password)
  const signIn = (headers: Record<string, string | string[]>) =>
    app.inject({ method: 'POST', url: '/auth/sign-in', headers, payload: credentials })

  t.test('Origin spellings that are not exactly ours are refused (no session cookie planted)', async (t) => {
    for (const origin of [
      'https://evil.example.com', 'null', '', ' ', 'HTTP://LOCALHOST:80', 'http://localhost:80/', 'http://localhost:80.evil.example.com',
      'http://localhost:80@evil.example.com', 'http://evil.example.com#http://localhost:80', 'https://localhost:80', 'http://localhost:8080',
      'http://localhost:80, https://evil.example.com', 'https://evil.example.com, http://localhost:80',
    ]) {
      const res = await signIn({ origin })
      t.equal(res.statusCode, 403, `Origin ${JSON.stringify(origin)} → ${res.statusCode}`)
      t.notOk(res.headers['set-cookie'], `Origin ${JSON.stringify(origin)}: no cookie`)
    }
  })

  t.test('Origin given as an array (duplicate headers through inject): refused', async (t) => {
    const res = await signIn({ origin: ['https://evil.example.com', sameOrigin] })
    t.equal(res.statusCode, 403)
    t.notOk(res.headers['set-cookie'])
  })

  t.test('proxy headers are not trusted (trustProxy off): X-Forwarded-Host/Proto cannot make an evil Origin "ours"', async (t) => {
    for (const [headers, what] of [
      [{ origin: 'http://evil.example.com', 'x-forwarded-host': 'evil.example.com' }, 'X-Forwarded-Host'],
      [{ origin: 'https://localhost:80', 'x-forwarded-proto': 'https' }, 'X-Forwarded-Proto'],
      [{ origin: 'https://evil.example.com', 'x-forwarded-host': 'evil.example.com', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example.com;proto=https' }, 'both + Forwarded'],
    ] as const) {
      const res = await signIn(headers)
      t.equal(res.statusCode, 403, what)
      t.notOk(res.headers['set-cookie'], `${what}: no cookie`)
    }
  })

  t.test('a spoofed Host makes the request "same-origin" only for that host: the cookie it gets is host-only', async (t) => {
    // Without APP_URL the allowed origin follows Host (DNS rebinding can name any Host). The session
    // cookie must then stay on that host: no Domain attribute that would carry it to ours.
    const res = await signIn({ host: 'evil.example.com', origin: 'http://evil.example.com' })
    if (res.statusCode === 200) {
      t.notMatch(String(res.headers['set-cookie']), /domain=/i, 'host-only cookie')
    } else {
      t.equal(res.statusCode, 403)
    }
  })

  t.test('routes registered later by other plugins are checked too', async (t) => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/extra/all', ...(method === 'POST' ? ['/extra/post', '/extra/both'] : [])]) {
        const res = await app.inject({ method, url, headers: { origin: 'https://evil.example.com' }, payload: {} })
        t.equal(res.statusCode, 403, `${method} ${url} from another origin`)
        t.equal(res.json().error?.type, 'csrf_origin_mismatch')
      }
    }
    t.equal((await app.inject({ method: 'GET', url: '/extra/both', headers: { origin: 'https://evil.example.com' } })).statusCode, 200, 'GET is not checked')
    t.equal((await app.inject({ method: 'POST', url: '/extra/post', headers: { origin: sameOrigin }, payload: {} })).statusCode, 200, 'our origin passes')
    t.equal((await app.inject({ method: 'POST', url: '/extra/post', payload: {} })).statusCode, 200, 'no Origin, no cookie passes')
  })

  t.test('an empty or unsigned session cookie still counts as "a cookie" or as none consistently', async (t) => {
    // An empty cookie value is falsy: the request is treated as cookieless. It must not authenticate either.
    const res = await app.inject({ method: 'PUT', url: '/me', headers: { cookie: 'strata-session=' }, payload: { name: 'x' } })
    t.equal(res.statusCode, 401, 'an empty session cookie without Origin: not authenticated')
    // A duplicated cookie: the first (empty) one must not hide the second from the CSRF check while auth uses it.
    const victim = await signIn({ origin: sameOrigin })
    const cookie = sessionCookieOf(victim.headers['set-cookie'])
    const dup = await app.inject({ method: 'PUT', url: '/me', headers: { cookie: `strata-session=; ${cookie}` }, payload: { name: 'renamed by csrf' } })
    t.not(dup.statusCode, 200, `duplicate cookie without Origin: not a write (${dup.statusCode})`)
    const rows = await db!.superuser.selectFrom('users').select('name').where('email', '=', credentials.email).execute()
    t.not(rows[0]?.name, 'renamed by csrf', 'the name was not changed')
  })

  t.test('bearer tokens from a browser: our origin passes, another origin does not', async (t) => {
    const session = await signIn({ origin: sameOrigin })
    const cookie = sessionCookieOf(session.headers['set-cookie'])
    const created = await app.inject({ method: 'POST', url: '/me/tokens', headers: { cookie, origin: sameOrigin }, payload: { name: 'browser' } })
    t.equal(created.statusCode, 201)
    const token = created.json().token as string
    const put = (origin?: string) => app.inject({ method: 'PUT', url: '/me', headers: { authorization: `Bearer ${token}`, ...(origin === undefined ? {} : { origin }) }, payload: { name: 'via token' } })
    t.equal((await put()).statusCode, 200, 'no Origin (a Node client)')
    t.equal((await put(sameOrigin)).statusCode, 200, 'our origin')
    t.equal((await put('https://evil.example.com')).statusCode, 403, 'another origin')
  })

  t.test('over a real socket: a browser-like same-origin sign-in and cookie mutation work; duplicate Origin and lower-case methods do not', async (t) => {
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const origin = new URL(base).origin
    const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
        let text = ''
        res.on('data', (c) => { text += c })
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }))
      })
      req.on('error', reject)
      req.end(body ? JSON.stringify(body) : undefined)
    })
    const signedIn = await send('POST', '/auth/sign-in', { origin, 'sec-fetch-site': 'same-origin' }, credentials)
    t.equal(signedIn.status, 200, `same-origin sign-in (Origin ${origin}, Host as a browser sends it)`)
    const cookie = sessionCookieOf(signedIn.headers['set-cookie'] as string[])
    t.equal((await send('PUT', '/me', { origin, cookie }, { name: 'Same Origin' })).status, 200, 'same-origin cookie mutation')
    t.equal((await send('GET', '/docs', {})).status < 400, true, 'Swagger UI is served')

    const raw = (text: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1')
      let out = ''
      socket.on('data', (c) => { out += c })
      socket.on('end', () => resolve(out))
      socket.on('close', () => resolve(out))
      socket.on('error', reject)
      socket.write(text)
      setTimeout(() => socket.end(), 1500)
    })
    const body = JSON.stringify(credentials)
    const host = new URL(base).host
    for (const [first, second] of [['https://evil.example.com', origin], [origin, 'https://evil.example.com']]) {
      const res = await raw(`POST /auth/sign-in HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${first}\r\nOrigin: ${second}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
      t.match(res, /^HTTP\/1\.1 4\d\d/, `duplicate Origin ${first} / ${second}: refused`)
      t.notMatch(res, /strata-session=[^;]/i, 'no session cookie')
    }
    const lower = await raw(`post /auth/sign-in HTTP/1.1\r\nHost: ${host}\r\nOrigin: https://evil.example.com\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    t.notMatch(lower, /strata-session=[^;]/i, 'lower-case method from another origin: no session cookie')
  })
})

t.test('with APP_URL: only its origin, whatever Host says', async (t) => {
  const { app } = await build(t, { appUrl: 'https://app.example.com/some/path' })
  await signUp(app, credentials.email, credentials.password).catch(() => undefined)
  // signUp() sends no Origin: allowed. Now the browser's sign-ins:
  const signIn = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/auth/sign-in', headers, payload: credentials })
  t.equal((await signIn({ origin: 'https://app.example.com' })).statusCode, 200, 'APP_URL\'s origin signs in')
  // The server's own pages (Swagger UI at /docs) need no cookie to write: its own origin passes without one.
  t.equal((await signIn({ origin: sameOrigin })).statusCode, 200, 'the server\'s own origin, without a cookie')
  const cookie = sessionCookieOf((await signIn({})).headers['set-cookie'])
  const write = (origin: string) => app.inject({ method: 'PUT', url: '/me', headers: { cookie, origin }, payload: { name: 'x' } })
  t.equal((await write(sameOrigin)).statusCode, 403, 'with the cookie, the server\'s own origin is not APP_URL\'s')
  t.equal((await write('https://app.example.com')).statusCode, 200, 'with the cookie, APP_URL\'s origin writes')
  for (const [headers, what] of [
    [{ origin: 'https://app.example.com.evil.example.com' }, 'suffix domain'],
    [{ origin: 'http://app.example.com' }, 'http instead of https'],
    [{ origin: 'https://evil.example.com', host: 'evil.example.com' }, 'Host spoofed to match the evil origin'],
    [{ origin: 'https://evil.example.com', 'x-forwarded-host': 'evil.example.com', 'x-forwarded-proto': 'https' }, 'forwarded headers'],
  ] as const) {
    const res = await signIn(headers)
    t.equal(res.statusCode, 403, what)
    t.notOk(res.headers['set-cookie'], `${what}: no cookie`)
  }
  const signUpEvil = await app.inject({ method: 'POST', url: '/auth/sign-up', headers: { origin: 'https://evil.example.com' }, payload: { email: 'planted2@example.com', password: 'password-123' } })
  t.equal(signUpEvil.statusCode, 403, 'sign-up from another origin')
  // A CORS preflight for the evil origin gets no allow-origin: a page there cannot add custom headers.
  const preflight = await app.inject({ method: 'OPTIONS', url: '/auth/sign-in', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-forwarded-host' } })
  t.notOk(preflight.headers['access-control-allow-origin'], 'no CORS for another origin')
})
