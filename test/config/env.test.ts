import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { EnvError, loadApiEnv, loadEnv } from '../../config/env.js'
import { optionsFromEnv } from '../../config/env-options.js'
import { resolveOptions } from '../../config/options.js'
import { developmentSecrets } from '../../db/bootstrap.js'

t.test('defaults apply to an empty environment', async (t) => {
  const env = loadEnv({})
  t.equal(env.PORT, 3000)
  t.equal(env.DEV_MODE, 'full')
  t.equal(env.TENANCY, 'single')
  t.equal(env.DATABASE_URL, undefined)
})

t.test('an empty string counts as unset', async (t) => {
  t.equal(loadEnv({ PORT: '' }).PORT, 3000)
})

const invalid: Array<[string, string]> = [
  ['PORT', 'not-a-port'],
  ['PORT', '70000'],
  ['DEV_MODE', 'partial'],
  ['TENANCY', 'many'],
  ['LOG_LEVEL', 'loud'],
  ['DATABASE_URL', 'mysql://x@y/z'],
  ['APP_URL', 'not a url'],
  ['SEED_ADMIN_EMAIL', 'nobody'],
  ['SEED_ADMIN_PASSWORD', 'short'],
  ['COOKIE_SECRET', 'tiny'],
]

for (const [name, value] of invalid) {
  t.test(`${name}=${value} is refused with a message naming ${name}`, async (t) => {
    t.throws(() => loadEnv({ [name]: value }), EnvError)
    try {
      loadEnv({ [name]: value })
    } catch (error) {
      t.match((error as Error).message, new RegExp(`\\b${name}\\b`))
    }
  })
}

t.test('the server process exits non-zero naming the bad variable', async (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, PORT: 'abc', DEV_MODE: 'none' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  t.equal(result.status, 1)
  t.match(result.stderr, /PORT/)
})

const databaseUrl = 'postgres://runtime_role:pw@127.0.0.1:1/strata'
const aSecret = 'a-real-secret-0123456789'

/** The message of the EnvError `load` throws, or '' when it does not throw. */
function refusal(load: () => unknown): string {
  try {
    load()
    return ''
  } catch (error) {
    if (!(error instanceof EnvError)) throw error
    return error.message
  }
}

t.test('outside development the API refuses to start without the secrets it needs, naming each', async (t) => {
  for (const NODE_ENV of ['production', 'test']) {
    const core = refusal(() => loadApiEnv({ NODE_ENV, DATABASE_URL: databaseUrl, DEV_MODE: 'core' }))
    t.match(core, /\bCOOKIE_SECRET\b/, `${NODE_ENV}, core: COOKIE_SECRET is named`)
    t.notMatch(core, /CDC_SECRET/, `${NODE_ENV}, core: no sync engine, no CDC secret needed`)
    const full = refusal(() => loadApiEnv({ NODE_ENV, DATABASE_URL: databaseUrl, COOKIE_SECRET: aSecret }))
    t.match(full, /\bCDC_SECRET\b/, `${NODE_ENV}, full: the sync engine needs CDC_SECRET`)
    t.match(refusal(() => loadApiEnv({ NODE_ENV })), /COOKIE_SECRET[\s\S]*CDC_SECRET/, `${NODE_ENV}: the embedded database is no exception`)
  }
  t.equal(refusal(() => loadApiEnv({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, COOKIE_SECRET: aSecret, CDC_SECRET: aSecret })), '')
  t.equal(refusal(() => loadApiEnv({ NODE_ENV: 'production', DEV_MODE: 'none' })), '', 'no database, nothing to sign')
  t.equal(refusal(() => loadApiEnv({ NODE_ENV: 'development', DATABASE_URL: databaseUrl })), '', 'development generates them')
  t.equal(refusal(() => loadEnv({ NODE_ENV: 'production' })), '', 'other processes (scripts, the CDC worker) check their own')
})

t.test('the options have no built-in cookie key: a database without cookieSecret is refused', async (t) => {
  t.throws(() => resolveOptions({ database: { url: databaseUrl } }), /cookieSecret/)
  t.equal(resolveOptions({ database: false }).cookieSecret, undefined)
  t.equal(resolveOptions({ database: { url: databaseUrl }, cookieSecret: aSecret }).secureCookies, true, 'cookies are Secure by default')
})

t.test('only development relaxes Secure cookies and a tokenless /metrics', async (t) => {
  const database = { url: databaseUrl }
  const production = optionsFromEnv(loadEnv({ NODE_ENV: 'production', COOKIE_SECRET: aSecret }), database)
  t.equal(production.secureCookies, true)
  t.equal(production.metrics, false, 'no METRICS_TOKEN outside development: /metrics is not served')
  t.equal(production.cookieSecret, aSecret)
  const scraped = optionsFromEnv(loadEnv({ NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-0123456789' }), database)
  t.same(scraped.metrics, { token: 'metrics-token-0123456789' })
  const development = optionsFromEnv(loadEnv({ NODE_ENV: 'development' }), { ...database, cookieSecret: aSecret })
  t.equal(development.secureCookies, false)
  t.equal(development.metrics, true)
  t.equal(development.cookieSecret, aSecret, 'the generated secret is used')
})

t.test('development secrets are generated once, kept under .data/ and reused', async (t) => {
  const root = t.testdir()
  const dataDir = path.join(root, '.data')
  const first = await developmentSecrets(dataDir)
  t.ok(first.cookieSecret.length >= 32 && first.cdcSecret.length >= 32, 'random secrets')
  t.not(first.cookieSecret, first.cdcSecret)
  const file = path.join(dataDir, 'secrets.json')
  t.ok(existsSync(file))
  t.equal((await stat(file)).mode & 0o777, 0o600, 'readable by the owner only')
  t.same(await developmentSecrets(dataDir), first, 'a restart reuses them')
  const other = await developmentSecrets(path.join(root, 'other'))
  t.not(other.cookieSecret, first.cookieSecret, 'each .data/ folder has its own')
  t.same(JSON.parse(await readFile(file, 'utf8')), first)
})

t.test('the server process with NODE_ENV=production and no COOKIE_SECRET exits naming it', async (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, DEV_MODE: 'core', COOKIE_SECRET: '' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  t.equal(result.status, 1)
  t.match(result.stderr, /COOKIE_SECRET: required outside NODE_ENV=development/)
})
