import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import type { StrataOptions } from '../../config/options.js'
import { type BuildOptions, build, syncOptions, testDatabase } from '../helper.js'

/** Whether a decorator's declared type admits its absence (undefined, or null for "disabled"). */
type MayBeMissing<K extends keyof FastifyInstance> = undefined extends FastifyInstance[K] ? true : null extends FastifyInstance[K] ? true : false

/**
 * Strata's instance decorators and when each is there. The first column is checked by the compiler
 * against the declared types: a decorator that may be missing must be typed so.
 */
const decorators = {
  config: [false as MayBeMissing<'config'>, () => true],
  db: [false as MayBeMissing<'db'>, () => true],
  pool: [true as MayBeMissing<'pool'>, (c: StrataOptions) => c.database !== false],
  activityBus: [true as MayBeMissing<'activityBus'>, (c: StrataOptions) => c.sync !== false && c.database !== false],
  rowPayloads: [true as MayBeMissing<'rowPayloads'>, (c: StrataOptions) => c.sync !== false && c.database !== false],
  streams: [true as MayBeMissing<'streams'>, (c: StrataOptions) => c.sync !== false && c.database !== false],
  streamObserver: [true as MayBeMissing<'streamObserver'>, (c: StrataOptions) => c.sync !== false && c.database !== false],
  cdcIngest: [true as MayBeMissing<'cdcIngest'>, (c: StrataOptions) => c.sync !== false && c.sync.source === 'replication' && c.database !== false],
  entityCache: [true as MayBeMissing<'entityCache'>, (c: StrataOptions) => c.entityCache !== false && c.sync !== false && c.database !== false],
  metrics: [false as MayBeMissing<'metrics'>, () => true],
  caches: [false as MayBeMissing<'caches'>, () => true],
  lookups: [false as MayBeMissing<'lookups'>, () => true],
  readiness: [false as MayBeMissing<'readiness'>, () => true],
  mailer: [false as MayBeMissing<'mailer'>, () => true],
  auth: [false as MayBeMissing<'auth'>, () => true],
  entities: [false as MayBeMissing<'entities'>, () => true],
} satisfies { [K in keyof FastifyInstance]?: readonly [MayBeMissing<K>, (config: StrataOptions) => boolean] }

const database = await testDatabase(t)
/** Every feature on: the app every other configuration is compared with. */
const full = (await build(t, syncOptions(database), { database })).app

const configurations: Array<[string, BuildOptions, { database?: false }]> = [
  ['without a database (OpenAPI generation, DEV_MODE=none)', { sync: { source: 'replication' } }, { database: false }],
  ['sync: false', { sync: false }, {}],
  ['the notify source', syncOptions(database, 'notify'), {}],
  ['entityCache: false', { ...syncOptions(database, 'notify'), entityCache: false }, {}],
  ['metrics: false', { metrics: false }, {}],
]

/**
 * Decorators of @fastify/websocket (registered with the sync engine on, for the CDC ingest): its
 * own types declare them always present and cannot be narrowed here; Strata reads neither.
 */
const libraryDecorators = new Set(['websocketServer', 'injectWS'])

const present = (app: FastifyInstance, name: string) => (app as unknown as Record<string, unknown>)[name] != null

for (const [name, options, extras] of configurations) {
  t.test(`decorators are there exactly when their type and feature say: ${name}`, async (t) => {
    const { app } = await build(t, options, { database, ...extras })
    for (const [decorator, [mayBeMissing, expected]] of Object.entries(decorators)) {
      t.equal(present(app, decorator), expected(app.config), `${decorator} ${expected(app.config) ? 'is present' : 'is absent'}`)
      if (!present(app, decorator)) t.ok(mayBeMissing, `${decorator} is typed as possibly missing`)
    }
    // Any decorator of the full app missing here (one added later, say) must be in the table above.
    const missing = Object.keys(full).filter((key) => present(full, key) && !present(app, key))
    t.same(missing.filter((key) => !(key in decorators) && !libraryDecorators.has(key)), [], 'every decorator that can be missing is listed (and typed so)')
  })
}

t.test('the full app has every decorator of the table', async (t) => {
  for (const decorator of Object.keys(decorators)) t.ok(present(full, decorator), decorator)
})

t.test('without a database, a route that needs one answers 503 no_database, not a crash', async (t) => {
  const { app } = await build(t, { tenancy: 'multi', sync: { source: 'replication' } }, { database: false })
  const signUp = await app.inject({ method: 'POST', url: '/auth/sign-up', payload: { email: 'a@example.com', password: 'password-123' } })
  t.equal(signUp.statusCode, 503)
  t.match(signUp.json(), { error: { status: 503, type: 'no_database', message: /database: false/, severity: 'error', requestId: String } })
  const stream = await app.inject({ method: 'GET', url: '/entities/app/stream', headers: { authorization: 'Bearer strata_pat_0123456789abcdef0123456789abcdef' } })
  t.equal(stream.statusCode, 503, 'the stream routes exist (for the OpenAPI document) and answer the same')
  t.equal(stream.json().error.type, 'no_database')
  await t.rejects(sql`select 1`.execute(app.db), /database: false/, 'app.db itself refuses, naming the option')
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'what needs no database still works')
})
