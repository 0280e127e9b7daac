import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { once } from 'node:events'
import t from 'tap'
import { testDatabase } from './helper.js'

/** Starts `server.ts` as a real process against a test database; resolves its base URL. */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return { child, baseUrl }
}

t.test('SIGTERM with an open long-lived request exits cleanly in time', async (t) => {
  const db = await testDatabase(t)
  const { child, baseUrl } = await startServer({ DATABASE_URL: db.runtimeUrl, DEV_MODE: 'core' })
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
