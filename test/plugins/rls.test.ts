import type { FastifyInstance, FastifyRequest } from 'fastify'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { as, build, eventually, signUp } from '../helper.js'
import { world } from '../routes/world.js'

/** Rows the superuser sees with this title (whatever the RLS context). */
let pagesTitled: (title: string) => Promise<unknown[]>
/** What each after-commit work saw when it ran, by the title it looked for. */
const afterCommitSaw = new Map<string, number>()
let afterHandler = ''

/** Routes behind guards that open an RLS context, probing the transaction around their handler. */
function probeRoutes(app: FastifyInstance) {
  // A read that tries to write (a bug): the same insert through GET and through POST.
  const insertPage = async (request: { db: FastifyRequest['db']; organization: FastifyRequest['organization'] }) => {
    await request.db.insertInto('pages').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: request.organization!.id, title: 'written by a read' }).execute()
    return { written: true }
  }
  app.get('/probe/:tenantId/:orgId/write', { config: { guards: ['auth', 'tenant', 'org'] } }, insertPage)
  app.post('/probe/:tenantId/:orgId/write', { config: { guards: ['auth', 'tenant', 'org'] } }, insertPage)
  // request.db where there is no RLS transaction: a route without a context, and after a handler.
  app.get('/probe/no-context', { config: { guards: ['auth'] } }, async (request) => ({ pages: await request.db.selectFrom('pages').select('id').execute() }))
  app.get('/probe/:tenantId/late', { config: { guards: ['auth', 'tenant'] } }, async (request, reply) => {
    const db = request.db
    reply.raw.once('finish', () => {
      try {
        void request.db
        afterHandler = 'read'
      } catch (err) {
        afterHandler = (err as Error).message
      }
    })
    return { seen: (await db.selectFrom('organizations').select('id').execute()).length }
  })
  // Writes a page, queues work that counts it from outside the transaction, then fails or not.
  app.post<{ Body: { title: string; fail?: boolean } }>('/probe/:tenantId/:orgId/after-commit', { config: { guards: ['auth', 'tenant', 'org'] } }, async (request) => {
    const { title, fail } = request.body
    await request.db.insertInto('pages').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: request.organization!.id, title }).execute()
    request.afterCommit(async () => {
      afterCommitSaw.set(title, (await pagesTitled(title)).length)
    })
    if (fail) throw new Error('the handler fails after queuing its work')
    return { queued: true }
  })
}

// alice admin of X (tenant A)
const { app, database, users } = await world(t, {}, { routes: probeRoutes })
const { alice } = users
pagesTitled = (title) => database.superuser.selectFrom('pages').select('id').where('title', '=', title).execute()

t.test('a GET runs in a read-only transaction: a handler that writes is refused by the database', async (t) => {
  const read = await as(app, alice)('GET', '/probe/aaaaaa/org-x/write')
  t.equal(read.statusCode, 500, 'the write fails')
  t.same(await pagesTitled('written by a read'), [], 'nothing written')
  const post = await as(app, alice)('POST', '/probe/aaaaaa/org-x/write', {})
  t.equal(post.statusCode, 200, 'the same handler on POST writes')
  t.equal((await pagesTitled('written by a read')).length, 1)
  await database.superuser.deleteFrom('pages').where('title', '=', 'written by a read').execute()
})

t.test('request.db exists only inside the RLS transaction around a handler: elsewhere a clear error, not a query outside any context', async (t) => {
  const lines: string[] = []
  const { app: logged } = await build(t, {}, {
    routes: probeRoutes,
    logStream: { write: (line: string) => { lines.push(line); return true } } as unknown as NodeJS.WritableStream,
  })
  const who = await signUp(logged, 'probe@example.com')
  const res = await logged.inject({ method: 'GET', url: '/probe/no-context', headers: { cookie: who.cookie } })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { error: { status: 500, type: String, requestId: String } }, 'the error shape')
  t.notMatch(res.body, /request\.db/, 'the reason stays in the log')
  t.ok(lines.some((line) => line.includes('request.db outside an RLS transaction (GET /probe/no-context)')), 'the log says why')
  const late = await as(app, alice)('GET', '/probe/aaaaaa/late')
  t.equal(late.statusCode, 200, 'inside the handler it is the transaction')
  await eventually(() => afterHandler, 5_000, 'the hook after the response')
  t.match(afterHandler, /^request\.db outside an RLS transaction/, 'once the handler returned, the transaction is gone from the request')
})

t.test('afterCommit: work runs once the handler\'s transaction has committed, and not at all when it rolls back', async (t) => {
  const ok = await as(app, alice)('POST', '/probe/aaaaaa/org-x/after-commit', { title: 'committed before its work' })
  t.equal(ok.statusCode, 200)
  t.equal(afterCommitSaw.get('committed before its work'), 1, 'the work saw the committed row from outside the transaction')
  const failed = await as(app, alice)('POST', '/probe/aaaaaa/org-x/after-commit', { title: 'rolled back', fail: true })
  t.equal(failed.statusCode, 500)
  t.same(await pagesTitled('rolled back'), [], 'the write rolled back')
  t.notOk(afterCommitSaw.has('rolled back'), 'its queued work never ran')
})
