import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import pg from 'pg'
import type { Env } from '../config/env.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded.js'
import { type AuthorMigrations, migrateToLatest } from './migrate.js'
import { defaultRoleNames } from './role-names.js'
import { ensureRoles } from './roles.js'
import { demoEmail, seedDemo } from './seed.js'

export interface DatabaseUrls {
  /** Runtime role (NOBYPASSRLS): what the API connects as. */
  url: string
  /** Administrator: roles and migrations. */
  adminUrl?: string
  /** CDC role (REPLICATION). */
  cdcUrl?: string
  cdcSecret?: string
  cookieSecret?: string
  embedded?: EmbeddedDatabase
  /** The embedded database's demo sign-in, kept in `file`; `created` on the boot that made it. */
  demo?: DemoAccount
}

export interface DemoAccount {
  email: string
  password: string
  file: string
  created: boolean
}

/** Generated once per `.data/` folder and kept there, so restarts reuse them. */
interface KeptSecrets {
  port: number
  superuserPassword: string
  runtimePassword: string
  cdcPassword: string
  cdcSecret: string
  cookieSecret: string
  demoPassword: string
}

/** The embedded database's port when it is free; the first boot of another checkout takes another. */
export const preferredEmbeddedPort = 54329

/** `preferred` when nothing listens on it (127.0.0.1), else a port the system reports free. */
export async function freePortPreferring(preferred: number): Promise<number> {
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number }
      server.close(() => resolve(bound))
    })
  })
  return listen(preferred).catch(() => listen(0))
}

const secret = () => randomBytes(24).toString('base64url')
const generate: { [K in keyof KeptSecrets]: () => KeptSecrets[K] | Promise<KeptSecrets[K]> } = {
  port: () => freePortPreferring(preferredEmbeddedPort),
  superuserPassword: secret,
  runtimePassword: secret,
  cdcPassword: secret,
  cdcSecret: secret,
  cookieSecret: secret,
  demoPassword: () => secret().slice(0, 16),
}

/**
 * The `names` settings kept in `dataDir/secrets.json`, generating (and keeping) those not there
 * yet: passwords, secrets and the embedded port, so later boots reuse them.
 */
export async function keptSecrets<K extends keyof KeptSecrets>(dataDir: string, names: readonly K[]): Promise<Pick<KeptSecrets, K>> {
  const file = path.join(dataDir, 'secrets.json')
  const kept: Partial<KeptSecrets> = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {}
  const missing = names.filter((name) => kept[name] === undefined)
  if (missing.length === 0) return kept as Pick<KeptSecrets, K>
  const generated = await Promise.all(missing.map(async (name) => [name, await generate[name]()] as const))
  const secrets = { ...kept, ...Object.fromEntries(generated) }
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets as Pick<KeptSecrets, K>
}

/**
 * Development only (SPEC §2): COOKIE_SECRET and CDC_SECRET generated once and kept under
 * `dataDir`, for a database given by DATABASE_URL (the embedded one keeps its own the same way).
 */
export function developmentSecrets(dataDir: string): Promise<Pick<KeptSecrets, 'cookieSecret' | 'cdcSecret'>> {
  return keptSecrets(dataDir, ['cookieSecret', 'cdcSecret'])
}

export async function createDatabaseIfMissing(superuserUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl })
  await client.connect()
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name])
    if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(name)}`)
  } finally {
    await client.end()
  }
}

/**
 * Starts the embedded PostgreSQL under `dataDir` (SPEC §2 `npm start` with no DATABASE_URL):
 * database `strata`, roles with generated passwords, migrations applied (Strata's, then `migrations`).
 */
export async function bootEmbedded(dataDir: string, onLog?: (line: string) => void, migrations?: AuthorMigrations): Promise<DatabaseUrls> {
  const secrets = await keptSecrets(dataDir, Object.keys(generate) as Array<keyof KeptSecrets>)
  const embedded = await startEmbeddedPostgres({
    dir: path.join(dataDir, 'postgres'),
    port: secrets.port,
    superuserPassword: secrets.superuserPassword,
    onLog,
  })
  try {
    await createDatabaseIfMissing(embedded.superuserUrl, 'strata')
    const adminUrl = embedded.urlFor('postgres', secrets.superuserPassword, 'strata')
    const url = embedded.urlFor(defaultRoleNames.runtime, secrets.runtimePassword, 'strata')
    const cdcUrl = embedded.urlFor(defaultRoleNames.cdc, secrets.cdcPassword, 'strata')
    const roles = await ensureRoles({ adminUrl, runtimeUrl: url, cdcUrl })
    await migrateToLatest(adminUrl, roles, migrations)
    const demo = await demoAccount(dataDir, adminUrl, secrets.demoPassword)
    return { url, adminUrl, cdcUrl, cdcSecret: secrets.cdcSecret, cookieSecret: secrets.cookieSecret, embedded, demo }
  } catch (error) {
    await embedded.stop()
    throw error
  }
}

/**
 * The demo account of the embedded database: seeded when it does not exist yet (the first boot),
 * its sign-in written to `.data/demo.json` then, and read back from there on later boots.
 */
async function demoAccount(dataDir: string, adminUrl: string, password: string): Promise<DemoAccount | undefined> {
  const file = path.join(dataDir, 'demo.json')
  if (await seedDemo(adminUrl, password)) {
    const account = { email: demoEmail, password }
    await writeFile(file, `${JSON.stringify({ ...account, signIn: 'POST /auth/sign-in' }, null, 2)}\n`, { mode: 0o600 })
    return { ...account, file, created: true }
  }
  if (!existsSync(file)) return undefined
  const kept = JSON.parse(await readFile(file, 'utf8')) as { email: string; password: string }
  return { email: kept.email, password: kept.password, file, created: false }
}

/** An existing server (DATABASE_URL set): roles and migrations (Strata's, then `migrations`) run when the admin URL is given. */
export async function bootExisting(env: Env & { DATABASE_URL: string }, migrations?: AuthorMigrations): Promise<DatabaseUrls> {
  const urls: DatabaseUrls = { url: env.DATABASE_URL, adminUrl: env.DATABASE_ADMIN_URL, cdcUrl: env.CDC_DATABASE_URL }
  if (env.DATABASE_ADMIN_URL) {
    if (!env.CDC_DATABASE_URL) throw new Error('CDC_DATABASE_URL is required with DATABASE_ADMIN_URL (it names the CDC role)')
    const roles = await ensureRoles({ adminUrl: env.DATABASE_ADMIN_URL, runtimeUrl: env.DATABASE_URL, cdcUrl: env.CDC_DATABASE_URL })
    await migrateToLatest(env.DATABASE_ADMIN_URL, roles, migrations)
  }
  return urls
}
