import { spawnSync } from 'node:child_process'
import t from 'tap'
import { EnvError, loadEnv } from '../../config/env.js'

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
