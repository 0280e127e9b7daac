import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { build, logCapture, type TestDatabase, testDatabase } from '../helper.js'

/** Routes that make the real database raise each error the contract maps (SPEC §6). */
function failingRoutes(getDb: () => TestDatabase) {
  return (app: FastifyInstance) => {
    const route = (path: string, handler: () => Promise<unknown>) =>
      app.get(path, { config: { guards: ['public'] } }, handler)
    const insertUser = (email: string | null) =>
      sql`insert into users (id, email) values (gen_random_uuid(), ${email})`.execute(app.db)

    route('/test/23505', async () => { await insertUser('dup@example.com'); await insertUser('dup@example.com') })
    route('/test/23503', async () => { await sql`insert into passwords (user_id, hash) values (gen_random_uuid(), 'x')`.execute(app.db) })
    route('/test/23502', async () => { await insertUser(null) })
    route('/test/23514', async () => { await sql`insert into tenants (id, name) values ('NOT OK', 'x')`.execute(app.db) })
    route('/test/22P02', async () => { await sql`select 'not-a-uuid'::uuid`.execute(app.db) })
    route('/test/42501', async () => { await sql`insert into system_roles (user_id, role) values (gen_random_uuid(), 'admin')`.execute(app.db) })
    route('/test/immutable', async () => {
      await sql`insert into tenants (id, name) values ('abc123', 'x')`.execute(app.db)
      await sql`update tenants set id = 'xyz789' where id = 'abc123'`.execute(app.db)
    })
    route('/test/40P01', async () => deadlock(getDb().runtimeUrl))
    route('/test/40001', async () => serializationFailure(getDb().runtimeUrl))
    route('/test/wrapped', async () => {
      try {
        await insertUser('w@example.com'); await insertUser('w@example.com')
      } catch (error) {
        throw new Error('while creating a user', { cause: error })
      }
    })
    route('/test/crash', async () => {
      throw new Error('boom: select secret_column from users where password = \'hunter2\'')
    })
    route('/test/slow', async () => { await sql`select pg_sleep(1)`.execute(app.db) })
    app.withTypeProvider<ZodTypeProvider>().post('/test/validate', {
      config: { guards: ['public'] },
      schema: { body: z.object({ email: z.email(), age: z.number().int() }) },
    }, async (request) => request.body)
  }
}

/** Two transactions lock two rows in opposite order: Postgres kills one with 40P01. */
async function deadlock(url: string): Promise<void> {
  const [a, b] = [new pg.Client(url), new pg.Client(url)]
  await Promise.all([a.connect(), b.connect()])
  try {
    await a.query(`insert into users (id, email) values ('00000000-0000-7000-8000-000000000001', 'd1@x.io'), ('00000000-0000-7000-8000-000000000002', 'd2@x.io')`)
    await a.query('begin'); await b.query('begin')
    await a.query(`update users set name = 'a' where id = '00000000-0000-7000-8000-000000000001'`)
    await b.query(`update users set name = 'b' where id = '00000000-0000-7000-8000-000000000002'`)
    const first = a.query(`update users set name = 'a' where id = '00000000-0000-7000-8000-000000000002'`)
    const second = b.query(`update users set name = 'b' where id = '00000000-0000-7000-8000-000000000001'`)
    const results = await Promise.allSettled([first, second])
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure) throw failure.reason
  } finally {
    await a.query('rollback').catch(() => {}); await b.query('rollback').catch(() => {})
    await Promise.all([a.end(), b.end()])
  }
}

/** Write skew under SERIALIZABLE: the second commit fails with 40001. */
async function serializationFailure(url: string): Promise<void> {
  const [a, b] = [new pg.Client(url), new pg.Client(url)]
  await Promise.all([a.connect(), b.connect()])
  try {
    await a.query('begin isolation level serializable'); await b.query('begin isolation level serializable')
    await a.query(`select count(*) from tenants`); await b.query(`select count(*) from tenants`)
    await a.query(`insert into tenants (id, name) values ('ser001', 'a')`)
    await b.query(`insert into tenants (id, name) values ('ser002', 'b')`)
    await a.query('commit')
    await b.query('commit')
  } finally {
    await a.query('rollback').catch(() => {}); await b.query('rollback').catch(() => {})
    await Promise.all([a.end(), b.end()])
  }
}

t.test('errors follow SPEC §6', async (t) => {
  let database!: TestDatabase
  const { app, db } = await build(t, {}, { routes: failingRoutes(() => database) })
  database = db!

  const expectations: Array<[string, number, string]> = [
    ['/test/23505', 409, 'resource_already_exists'],
    ['/test/23503', 400, 'invalid_reference'],
    ['/test/23502', 400, 'missing_value'],
    ['/test/23514', 400, 'constraint_violation'],
    ['/test/22P02', 400, 'invalid_value'],
    ['/test/42501', 403, 'forbidden'],
    ['/test/immutable', 400, 'immutable_field'],
    ['/test/40P01', 409, 'conflict_retry'],
    ['/test/40001', 409, 'conflict_retry'],
    ['/test/wrapped', 409, 'resource_already_exists'],
  ]
  for (const [url, status, type] of expectations) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, status, `${url} → ${status}`)
    const body = res.json()
    t.equal(body.error.type, type, `${url} → ${type}`)
    t.equal(body.error.status, status)
    t.equal(body.error.requestId, res.headers['x-request-id'] ?? body.error.requestId)
    t.type(body.error.requestId, 'string')
    t.ok(body.error.message && body.error.severity, `${url} has message and severity`)
  }

  t.test('a 500 body carries no stack, SQL or driver message', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/test/crash' })
    t.equal(res.statusCode, 500)
    t.same(Object.keys(res.json().error).sort(), ['message', 'requestId', 'severity', 'status', 'type'])
    t.equal(res.json().error.message, 'Internal server error')
    t.notMatch(res.body, /select|hunter2|stack|at /)
  })

  t.test('validation errors name the field', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/validate', payload: { email: 'nope', age: 3 } })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error.type, 'validation_error')
    t.match(res.json().error.message, /body\.email/)
    t.same(res.json().error.meta.issues.map((i: { field: string }) => i.field), ['body.email'])
  })

  t.test('malformed JSON → 400', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/validate', headers: { 'content-type': 'application/json' }, payload: '{"email": ' })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error.type, 'invalid_json')
  })

  t.test('a body over the limit → 413', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/validate', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a'.repeat(1024 * 1024 + 10) }) })
    t.equal(res.statusCode, 413)
    t.equal(res.json().error.type, 'body_too_large')
  })

  t.test('the bodyLimit option applies to every route (the server default is larger)', async (t) => {
    const { app: small } = await build(t, { bodyLimit: 1_000 }, { database: false })
    const res = await small.inject({ method: 'POST', url: '/auth/sign-in', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a'.repeat(2_000) }) })
    t.equal(res.statusCode, 413)
    t.equal(res.json().error.type, 'body_too_large')
  })

  t.test('an unknown route → 404 route_not_found', async (t) => {
    const res = await app.inject({ method: 'DELETE', url: '/no/such/thing?x=1' })
    t.equal(res.statusCode, 404)
    t.equal(res.json().error.type, 'route_not_found')
    t.match(res.json().error.message, 'DELETE /no/such/thing')
  })
})

t.test('a rejection is logged with its type and message, before routing too (a malformed URL)', async (t) => {
  const { stream: logStream, lines } = logCapture()
  const { app } = await build(t, {}, { logStream })
  const rejected = () => lines.map((line) => JSON.parse(line) as { msg: string; type?: string; message?: string }).filter((line) => line.msg === 'request rejected')
  t.equal((await app.inject({ method: 'GET', url: '/main/%E0%A4%A/pages' })).statusCode, 400)
  t.match(rejected(), [{ type: 'bad_url', message: 'The URL is not valid' }], 'before routing: frameworkErrors')
  t.equal((await app.inject({ method: 'POST', url: '/auth/sign-in', payload: '{', headers: { 'content-type': 'application/json' } })).statusCode, 400)
  t.match(rejected()[1], { type: 'invalid_json', message: 'Request body is not valid JSON' }, 'in a route: the error handler')
})

t.test('pool exhaustion → 503 database_unavailable', async (t) => {
  const db = await testDatabase(t)
  const { app } = await build(t, { database: { url: db.runtimeUrl, poolMax: 1, connectionTimeoutMs: 200 } },
    { database: db, routes: failingRoutes(() => db) })
  const [slow, starved] = await Promise.all([
    app.inject({ method: 'GET', url: '/test/slow' }),
    new Promise((resolve) => setTimeout(resolve, 50)).then(() => app.inject({ method: 'GET', url: '/test/22P02' })),
  ])
  t.equal(slow.statusCode, 200)
  t.equal(starved.statusCode, 503)
  t.equal(starved.json().error.type, 'database_unavailable')
})
