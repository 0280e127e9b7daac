import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import type { Env } from '../config/env.js'
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded.js'
import { migrateToLatest } from './migrate.js'
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
  /** Set when the embedded first boot created the demo user (its password, to print once). */
  demo?: { email: string; password: string }
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

const secret = () => randomBytes(24).toString('base64url')
const generate: { [K in keyof KeptSecrets]: () => KeptSecrets[K] } = {
  port: () => 54329,
  superuserPassword: secret,
  runtimePassword: secret,
  cdcPassword: secret,
  cdcSecret: secret,
  cookieSecret: secret,
  demoPassword: () => secret().slice(0, 16),
}

/** The `names` secrets kept in `dataDir`, generating (and keeping) those not there yet. */
async function keptSecrets<K extends keyof KeptSecrets>(dataDir: string, names: readonly K[]): Promise<Pick<KeptSecrets, K>> {
  const file = path.join(dataDir, 'secrets.json')
  const kept: Partial<KeptSecrets> = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {}
  const missing = names.filter((name) => kept[name] === undefined)
  if (missing.length === 0) return kept as Pick<KeptSecrets, K>
  const secrets = { ...kept, ...Object.fromEntries(missing.map((name) => [name, generate[name]()])) }
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
 * database `strata`, roles with generated passwords, migrations applied.
 */
export async function bootEmbedded(dataDir: string, onLog?: (line: string) => void): Promise<DatabaseUrls> {
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
    await migrateToLatest(adminUrl, roles)
    const demo = await seedDemo(adminUrl, secrets.demoPassword) ? { email: demoEmail, password: secrets.demoPassword } : undefined
    return { url, adminUrl, cdcUrl, cdcSecret: secrets.cdcSecret, cookieSecret: secrets.cookieSecret, embedded, demo }
  } catch (error) {
    await embedded.stop()
    throw error
  }
}

/** An existing server (DATABASE_URL set): roles and migrations run when the admin URL is given. */
export async function bootExisting(env: Env & { DATABASE_URL: string }): Promise<DatabaseUrls> {
  const urls: DatabaseUrls = { url: env.DATABASE_URL, adminUrl: env.DATABASE_ADMIN_URL, cdcUrl: env.CDC_DATABASE_URL }
  if (env.DATABASE_ADMIN_URL) {
    if (!env.CDC_DATABASE_URL) throw new Error('CDC_DATABASE_URL is required with DATABASE_ADMIN_URL (it names the CDC role)')
    const roles = await ensureRoles({ adminUrl: env.DATABASE_ADMIN_URL, runtimeUrl: env.DATABASE_URL, cdcUrl: env.CDC_DATABASE_URL })
    await migrateToLatest(env.DATABASE_ADMIN_URL, roles)
  }
  return urls
}
