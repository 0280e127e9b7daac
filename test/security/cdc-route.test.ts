import t from 'tap'
import WebSocket from 'ws'
import { build, syncOptions, testDatabase } from '../helper.js'

// `/internal/cdc` (routes/internal/cdc.ts): the secret is checked before anything, every refusal
// is in the error shape, and only a WebSocket upgrade with the secret reaches the ingest.
const database = await testDatabase(t)
const sync = syncOptions(database)
const secret = sync.cdcSecret!
// An HTTP route beside it: what @fastify/websocket puts on a request (`ws`), if anything.
const { app } = await build(t, sync, {
  database,
  routes: (app) => {
    app.get('/probe/ws', { config: { guards: ['cdcSecret'] } }, async (request) => ({ ws: 'ws' in request ? (request as { ws: unknown }).ws : 'absent' }))
  },
})
const url = `${(await app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/internal/cdc`

t.test('plain HTTP: 401 without the secret, 426 with it, in the error shape', async (t) => {
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['no secret', {}, 401, 'unauthorized'],
    ['a wrong secret', { 'x-cdc-secret': 'wrong-secret-0123456789' }, 401, 'unauthorized'],
    ['the secret, but no upgrade', { 'x-cdc-secret': secret }, 426, 'upgrade_required'],
  ]
  for (const [name, headers, status, type] of cases) {
    const res = await app.inject({ method: 'GET', url: '/internal/cdc', headers })
    t.equal(res.statusCode, status, name)
    t.match(res.json(), { error: { status, type, message: String, severity: String, requestId: String } }, name)
  }
  t.equal((await app.inject({ method: 'HEAD', url: '/internal/cdc' })).statusCode, 401, 'HEAD without the secret')
})

t.test('a WebSocket with the secret is the ingest\'s', async (t) => {
  const ws = new WebSocket(url, { headers: { 'x-cdc-secret': secret } })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)))
  })
  t.equal(app.cdcIngest!.connections(), 1, 'accepted by the ingest')
  ws.close()
})

t.test('the WebSocket plugin is the CDC route\'s alone: HTTP requests run none of its hooks', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/probe/ws', headers: { 'x-cdc-secret': secret } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ws: 'absent' }, 'no `ws` decorator or onRequest hook on an HTTP route (app.ts registers it in its own context)')
})
