import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { freePort } from '../harness/cluster.js'
import { type ServerProcess, signalGroup, startServer, waitForOutput } from './server-process.js'

const admin = { email: 'ops@example.com', password: 'configured-admin-password' }

const signIn = (baseUrl: string, account: { email: string; password: string }) =>
  fetch(`${baseUrl}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account) })

/** Ctrl-C in a terminal: SIGINT to the whole process group. Resolves with what the process printed meanwhile. */
async function pressCtrlC(server: ServerProcess): Promise<{ code: number | null; printed: string }> {
  const before = server.output().length
  const exited = once(server.child, 'exit')
  signalGroup(server, 'SIGINT')
  const [code] = await exited
  return { code, printed: server.output().slice(before) }
}

t.test('embedded boot: configured admin and demo account both sign in; warm boot points at .data/demo.json; Ctrl-C is short and clean', async (t) => {
  const cwd = t.testdir()
  // A port of our own (the default 54329 may be another run's).
  await mkdir(path.join(cwd, '.data'), { recursive: true })
  await writeFile(path.join(cwd, '.data', 'secrets.json'), JSON.stringify({ port: await freePort() }))
  const env = {
    NODE_ENV: 'development', DEV_MODE: 'full', DATABASE_URL: '', DATABASE_ADMIN_URL: '', CDC_DATABASE_URL: '',
    COOKIE_SECRET: '', CDC_SECRET: '', SEED_ADMIN_EMAIL: admin.email, SEED_ADMIN_PASSWORD: admin.password,
  }

  const first = await startServer(env, cwd)
  t.teardown(() => signalGroup(first, 'SIGKILL'))
  const demo = JSON.parse(await readFile(path.join(cwd, '.data', 'demo.json'), 'utf8')) as { email: string; password: string }
  t.equal(demo.email, 'demo@strata.local')
  await waitForOutput(first, `Demo sign-in (kept in ${path.join('.data', 'demo.json')}): demo@strata.local / ${demo.password}`)
  t.equal((await signIn(first.baseUrl, demo)).status, 200, 'the demo account signs in')
  t.equal((await signIn(first.baseUrl, admin)).status, 200, 'the configured admin signs in too')
  t.match(first.output(), `system admin ${admin.email} created`)

  // Let the CDC worker and the pools hold connections, as in real use, then Ctrl-C.
  await new Promise((resolve) => setTimeout(resolve, 500))
  const stop = await pressCtrlC(first)
  t.equal(stop.code, 0, 'exit code 0')
  const lines = stop.printed.trim().split('\n')
  t.ok(lines.length <= 3, `a few lines: ${stop.printed}`)
  t.ok(stop.printed.length < 1_000, 'short')
  t.notMatch(stop.printed, /"level":[56]0/, 'no error or fatal line')
  t.notMatch(stop.printed, /terminating connection|connectionParameters|parsedStatements/, 'the database outlives the API: no dropped connections, no driver objects')

  const second = await startServer(env, cwd)
  t.teardown(() => signalGroup(second, 'SIGKILL'))
  await waitForOutput(second, `Demo sign-in: demo@strata.local, password in ${path.join('.data', 'demo.json')}`)
  t.notMatch(second.output(), demo.password, 'the warm boot does not print the password')
  t.match(second.output(), `${admin.email} is a system admin already; nothing changed`)
  t.equal((await signIn(second.baseUrl, demo)).status, 200)
  t.equal((await signIn(second.baseUrl, admin)).status, 200)
  t.equal((await pressCtrlC(second)).code, 0)
})
