import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { unsign } from '@fastify/cookie'
import t from 'tap'
import { testDatabase } from './helper.js'
import { signalGroup, startServer, waitForOutput } from './ops/server-process.js'

t.test('SIGTERM with an open long-lived request exits cleanly in time', async (t) => {
  const db = await testDatabase(t)
  const { child, baseUrl } = await startServer({ NODE_ENV: 'production', COOKIE_SECRET: 'test-cookie-secret-0123456789', DATABASE_URL: db.runtimeUrl, DEV_MODE: 'core' })
  t.teardown(() => { child.kill('SIGKILL') })

  const health = await fetch(`${baseUrl}/health`)
  t.equal(health.status, 200)

  // A request whose body never ends keeps its connection open until the server forces it closed.
  const pending = request(`${baseUrl}/health`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } })
  pending.on('error', () => {})
  pending.write('{"partial":')
  await new Promise((resolve) => setTimeout(resolve, 200))

  const exited = once(child, 'exit')
  const deadline = setTimeout(() => child.kill('SIGKILL'), 12_000)
  child.kill('SIGTERM')
  const [code, signal] = await exited
  clearTimeout(deadline)
  t.equal(signal, null, 'not killed by the 12 s deadline')
  t.equal(code, 0, 'exit code 0')
})

t.test('npm start stops on a SIGTERM to npm itself, as a process manager sends it', async (t) => {
  const db = await testDatabase(t)
  // npm runs the script through `sh -c`: unless the shell hands its place to node, the signal
  // npm forwards ends the shell and leaves the server running, orphaned.
  const server = await startServer({ NODE_ENV: 'production', COOKIE_SECRET: 'test-cookie-secret-0123456789', DATABASE_URL: db.runtimeUrl, DEV_MODE: 'core' },
    undefined, ['npm', 'start', '--silent'])
  t.teardown(() => signalGroup(server, 'SIGKILL'))
  t.equal((await fetch(`${server.baseUrl}/health`)).status, 200)

  const npmExited = once(server.child, 'exit')
  server.child.kill('SIGTERM')
  await npmExited
  await waitForOutput(server, 'stopped in')
  let answering = true
  for (let waited = 0; answering && waited < 10_000; waited += 100) {
    answering = await fetch(`${server.baseUrl}/health`).then(() => true, () => false)
    if (answering) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.notOk(answering, 'the server stopped listening')
})

t.test('development with DATABASE_URL and no COOKIE_SECRET signs with a generated key kept under .data/', async (t) => {
  const db = await testDatabase(t)
  const cwd = t.testdir()
  const env = { NODE_ENV: 'development', COOKIE_SECRET: '', CDC_SECRET: '', DATABASE_URL: db.runtimeUrl, DEV_MODE: 'core' }
  const signUp = async (baseUrl: string, email: string) => {
    const res = await fetch(`${baseUrl}/auth/sign-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'password-123' }) })
    t.equal(res.status, 201)
    return decodeURIComponent(/strata-session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!)
  }
  const first = await startServer(env, cwd)
  t.teardown(() => { first.child.kill('SIGKILL') })
  const cookie = await signUp(first.baseUrl, 'dev@example.com')
  const { cookieSecret } = JSON.parse(await readFile(path.join(cwd, '.data', 'secrets.json'), 'utf8')) as { cookieSecret: string }
  t.ok(unsign(cookie, cookieSecret).valid, 'the cookie is signed with the generated secret')
  t.notOk(unsign(cookie, 'development-cookie-secret-change-me').valid, 'not with a key from the source')
  first.child.kill('SIGTERM')
  await once(first.child, 'exit')

  const second = await startServer(env, cwd)
  t.teardown(() => { second.child.kill('SIGKILL') })
  const me = await fetch(`${second.baseUrl}/me`, { headers: { cookie: `strata-session=${encodeURIComponent(cookie)}` } })
  t.equal(me.status, 200, 'a restart reuses the kept secret: the session survives')
})

t.test('NODE_ENV=production without DATABASE_URL refuses the embedded database, naming DATABASE_URL', async (t) => {
  const cwd = t.testdir()
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.resolve('../server.ts'))], {
    cwd, encoding: 'utf8', timeout: 30_000,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: '', COOKIE_SECRET: 'test-cookie-secret-0123456789', CDC_SECRET: 'test-cdc-secret-0123456789', PORT: '0' },
  })
  t.equal(run.status, 1, 'exits 1')
  t.match(run.stderr, /DATABASE_URL: required with NODE_ENV=production/)
  t.notOk(existsSync(path.join(cwd, '.data')), 'no embedded cluster was created')
})
