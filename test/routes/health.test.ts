import t from 'tap'
import { build } from '../helper.js'

t.test('GET /health answers without touching the database', async (t) => {
  const { app } = await build(t, {}, { database: false })
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('GET /ready is 200 with every check passing', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready', checks: { database: [], migrations: [], catalog: [] }, info: {} }, 'no CDC facts with the sync engine off')
})
