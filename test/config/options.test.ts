import { sql } from 'kysely'
import t from 'tap'
import { as, build, logCapture, outbox, signUp, syncOptions, testDatabase } from '../helper.js'
import { openStream } from '../sse-client.js'
import { world } from '../routes/world.js'

// One test per registration option whose effect no other test file shows (the others: grep the
// option's name under test/). Each shows the option doing what docs/configuration.md says.

const database = await testDatabase(t)
const { app, users } = await world(t, {
  ...syncOptions(database, 'notify'),
  entityCache: { max: 1, ttlMs: 500 },
  coalescing: false,
  streams: { maxConnections: 1 },
  mailFrom: 'Tasks <tasks@example.com>',
}, { database })
const alice = as(app, users.alice)
const attachment = async (filename: string) =>
  (await alice('POST', '/aaaaaa/org-x/attachments', { filename, contentType: 'text/plain', size: 1, key: filename })).json().id as string
const [a, b] = [await attachment('a.txt'), await attachment('b.txt')]
const read = async (id: string) => (await alice('GET', `/aaaaaa/org-x/attachments/${id}`)).headers['x-cache']

t.test('entityCache.max: the LRU keeps at most that many entities', async (t) => {
  t.equal(await read(a), 'MISS')
  t.equal(await read(a), 'HIT')
  t.equal(await read(b), 'MISS')
  t.equal(await read(a), 'MISS', 'a was evicted to make room for b (max: 1)')
})

t.test('entityCache.ttlMs: an entry lives that long', async (t) => {
  await read(b)
  t.equal(await read(b), 'HIT')
  await new Promise((resolve) => setTimeout(resolve, 700))
  t.equal(await read(b), 'MISS', 'expired after 500 ms')
})

t.test('coalescing: false: concurrent identical reads each run their query', async (t) => {
  await new Promise((resolve) => setTimeout(resolve, 700))
  const sources = await Promise.all(Array.from({ length: 5 }, () => read(a)))
  t.notOk(sources.includes('COALESCED'), `no read shared a query (${sources.join(', ')})`)
})

t.test('entityCache: false: every read goes to the database', async (t) => {
  const { app: uncached } = await build(t, { ...syncOptions(database, 'notify'), tenancy: 'multi', entityCache: false }, { database })
  const get = () => as(uncached, users.alice)('GET', `/aaaaaa/org-x/attachments/${a}`)
  t.same([(await get()).headers['x-cache'], (await get()).headers['x-cache']], ['MISS', 'MISS'])
  t.equal(uncached.entityCache, null)
})

t.test('streams.maxConnections: one more stream than that is refused with 429', async (t) => {
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const first = await openStream(`${baseUrl}/public/aaaaaa/stream?offset=now`)
  t.teardown(() => first.close())
  t.equal(first.status, 200)
  const second = await openStream(`${baseUrl}/public/aaaaaa/stream?offset=now`, { 'x-forwarded-for': '10.0.0.2' })
  t.teardown(() => second.close())
  t.equal(second.status, 429, 'the instance holds maxConnections: 1 already (another address)')
})

t.test('mailFrom: the sender of outgoing mail', async (t) => {
  await signUp(app, 'frank@example.com')
  const mails = await outbox(app) as Array<{ to: string; from?: string }>
  t.equal(mails.find((m) => m.to === 'frank@example.com')?.from, 'Tasks <tasks@example.com>')
})

t.test('secureCookies: the session cookie is Secure by default, not with false', async (t) => {
  const cookieOf = async (secureCookies: boolean | undefined, email: string) => {
    const { app: server } = await build(t, secureCookies === undefined ? {} : { secureCookies }, { database })
    const res = await server.inject({ method: 'POST', url: '/auth/sign-up', payload: { email, password: 'password-123' } })
    return String(res.headers['set-cookie'])
  }
  t.match(await cookieOf(undefined, 'secure@example.com'), /; Secure/)
  t.notMatch(await cookieOf(false, 'plain@example.com'), /; Secure/)
})

t.test('demo: off by default, no /demo route', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/demo' })).statusCode, 404)
})

t.test('sync.slot and sync.retainedWalWarnBytes: /ready checks that slot, and warns past that much WAL', async (t) => {
  const slot = `custom_slot_${database.name}`
  const { stream: logStream, lines } = logCapture()
  const { app: replicating } = await build(t, { sync: { source: 'replication', slot, retainedWalWarnBytes: 1 }, cdcSecret: 'test-cdc-secret-0123456789' },
    { database, logStream })
  t.same((await replicating.readiness.run()).checks.cdc, [`replication slot ${slot} does not exist (no CDC worker has run on this database)`])
  await sql`select pg_create_logical_replication_slot(${slot}, 'pgoutput')`.execute(database.superuser)
  await sql`insert into tenants (id, name) values ('walwal', 'WAL')`.execute(database.superuser)
  t.same((await replicating.readiness.run()).checks.cdc, [], 'the configured slot exists now')
  const warning = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'replication slot retains a lot of WAL')
  t.equal(warning?.slot, slot, 'more than 1 byte retained: warned, naming the slot')
})
