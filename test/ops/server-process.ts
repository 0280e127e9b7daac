import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ServerProcess {
  child: ChildProcess
  baseUrl: string
  /** Everything the process has written so far (stdout and stderr). */
  output(): string
}

/** `server.ts` under tsx, as the tests run it. */
const serverCommand = [process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.resolve('../../server.ts'))]

/**
 * Starts `server.ts` as a real process (in `cwd`, default the repository), in its own process
 * group as a terminal would run it; resolves once it listens. `command` runs it another way
 * (e.g. `npm start`).
 */
export async function startServer(env: NodeJS.ProcessEnv, cwd?: string, command = serverCommand): Promise<ServerProcess> {
  const [file, ...args] = command as [string, ...string[]]
  const child = spawn(file, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    cwd,
  })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return { child, baseUrl, output: () => output }
}

/** Resolves once the server has printed `text` (within 10 s). */
export async function waitForOutput(server: ServerProcess, text: string): Promise<void> {
  for (let waited = 0; !server.output().includes(text); waited += 50) {
    if (waited > 10_000) throw new Error(`no "${text}" in: ${server.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Sends `signal` to the server's whole process group, as Ctrl-C in a terminal does. */
export function signalGroup(server: ServerProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-server.child.pid!, signal)
  } catch {
    // Already gone.
  }
}
