import t from 'tap'
import { as } from '../helper.js'
import { world } from '../routes/world.js'

const { app, database, users } = await world(t)
const alice = as(app, users.alice)
const pages = async () => (await database.superuser.selectFrom('pages').select('title').execute()).map((p) => p.title)

t.test('a replay returns the first response and writes nothing again', async (t) => {
  const headers = { 'idempotency-key': 'create-page-1' }
  const first = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Once' }, headers)
  t.equal(first.statusCode, 201)
  const replay = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Once' }, headers)
  t.equal(replay.statusCode, 201)
  t.same(replay.json(), first.json(), 'the same body')
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.same(await pages(), ['Once'], 'one row')
})

t.test('the same key with another request → 409', async (t) => {
  const res = await alice('POST', '/aaaaaa/org-x/pages', { title: 'Different' }, { 'idempotency-key': 'create-page-1' })
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.type, 'idempotency_key_mismatch')
  t.same(await pages(), ['Once'])
})

t.test('keys belong to their user; failures are replayed too, server errors are not stored', async (t) => {
  const dave = await as(app, users.dave)('POST', '/aaaaaa/org-x/pages', { title: 'Once' }, { 'idempotency-key': 'create-page-1' })
  t.equal(dave.statusCode, 201, "another user's identical key is independent")
  t.equal((await pages()).length, 2)
  const forbidden = { 'idempotency-key': 'bad-1' }
  t.equal((await as(app, users.bob)('PUT', '/aaaaaa/org-y', { name: '' }, forbidden)).statusCode, 400)
  const replayed = await as(app, users.bob)('PUT', '/aaaaaa/org-y', { name: '' }, forbidden)
  t.equal(replayed.statusCode, 400)
  t.equal(replayed.headers['idempotent-replayed'], undefined, 'validation runs before the key is reserved')
  const long = await alice('POST', '/aaaaaa/org-x/pages', { title: 'x' }, { 'idempotency-key': 'k'.repeat(201) })
  t.equal(long.statusCode, 400)
  const rows = await database.superuser.selectFrom('idempotency_keys').select(['key', 'status_code']).orderBy('key').execute()
  t.ok(rows.every((r) => r.status_code !== null), 'every stored key has its response')
})
