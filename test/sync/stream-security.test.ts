import { type IncomingHttpHeaders, get } from 'node:http'
import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { as, eventually } from '../helper.js'
import { openStream, type StreamClient } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

const { app, baseUrl, database, users, orgs } = await syncWorld(t)
const open: StreamClient[] = []
t.teardown(() => { for (const s of open) s.close() })
async function stream(path: string, who?: keyof typeof users) {
  const client = await openStream(`${baseUrl}${path}`, who ? { cookie: users[who].cookie } : {})
  open.push(client)
  if (client.status === 200) await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, `the offset of ${path}`)
  return client
}
const userStream = (who: keyof typeof users) => stream('/entities/app/stream?offset=now', who)
const publicStream = (tenantId: string) => stream(`/public/${tenantId}/stream?offset=now`)
/** Does the server end this stream within `ms`? */
const endsWithin = (client: StreamClient, ms: number) =>
  Promise.race([client.ended.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), ms))])
/** A page written with plain SQL: a suspended tenant refuses the API, not the database. */
const writePage = async (tenantId: string, org: keyof typeof orgs) => {
  const id = uuid()
  await sql`insert into pages (id, tenant_id, organization_id, title, status, public_access)
    values (${id}, ${tenantId}, ${orgs[org]}, 'written', 'published', true)`.execute(database.superuser)
  return id
}
const setStatus = async (tenantId: string, status: 'active' | 'suspended' | 'archived') => {
  const res = await as(app, users.sys)('PATCH', `/tenants/${tenantId}`, { status })
  if (res.statusCode !== 200) throw new Error(res.body)
}

// carol is admin of org Z (tenant B) and, for the cross-tenant case, a member of org Y (tenant A).
await database.superuser.insertInto('memberships')
  .values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.y, user_id: users.carol.user.id, role: 'member' }).execute()

/** A raw stream request from one local address (127.0.0.x all reach the loopback listener). */
function rawStream(path: string, localAddress: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body(): Promise<string>; close(): void }>((resolve, reject) => {
    const req = get(`${baseUrl}${path}`, { localAddress, agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      resolve({
        status: res.statusCode!, headers: res.headers, close: () => req.destroy(),
        body: async () => { let text = ''; for await (const chunk of res) text += chunk; return text },
      })
    })
    req.on('error', reject)
  })
}

t.test('anonymous streams are capped per client address (429), and still count globally', async (t) => {
  const path = '/public/aaaaaa/stream?offset=now'
  const cap = app.config.streams.maxAnonymousPerClient
  const mine = await Promise.all(Array.from({ length: cap }, () => rawStream(path, '127.0.0.1')))
  t.teardown(() => { for (const s of mine) s.close() })
  t.same(mine.map((s) => s.status), mine.map(() => 200), `${cap} public streams from one address`)
  const refused = await rawStream(path, '127.0.0.1')
  t.equal(refused.status, 429, 'one more from the same address is refused')
  t.ok(Number(refused.headers['retry-after']) >= 1, 'with Retry-After')
  if (refused.status !== 429) refused.close()
  else t.match(JSON.parse(await refused.body()), { error: { status: 429, type: 'too_many_streams', severity: 'warn', requestId: String } })
  const other = await rawStream(path, '127.0.0.2')
  t.teardown(() => other.close())
  t.equal(other.status, 200, 'another address is still accepted')
  t.equal(app.streams!.publicCount, cap + 1, 'every public stream counts against the global limit')
  mine.pop()!.close()
  await eventually(() => app.streams!.publicCountFor('127.0.0.1') === cap - 1, 5_000, 'the closed stream to be forgotten')
  const again = await rawStream(path, '127.0.0.1')
  t.teardown(() => again.close())
  t.equal(again.status, 200, 'a closed stream frees its slot')
})

t.test('a suspended tenant: its streams end, its changes reach no stream, new streams are refused', async (t) => {
  await eventually(() => app.streams!.publicCount === 0, 5_000, 'the previous public streams to close')
  const pubA = await publicStream('aaaaaa')
  const pubB = await publicStream('bbbbbb')
  const alice = await userStream('alice')
  const carol = await userStream('carol')
  const sys = await userStream('sys')
  const before = await writePage('aaaaaa', 'y')
  await carol.waitFor(() => carol.changes().some((c) => c.entityId === before), 10_000, "carol to get tenant A's page while active")

  await setStatus('aaaaaa', 'suspended')
  t.equal(await endsWithin(pubA, 5_000), true, "the tenant's public stream ends")
  t.equal(pubA.events.at(-1)?.event, 'retry', 'with a retry hint')
  const inA = await writePage('aaaaaa', 'y')
  const inB = await writePage('bbbbbb', 'z')
  await carol.waitFor(() => carol.changes().some((c) => c.entityId === inB), 10_000, "carol to get tenant B's page")
  await sys.waitFor(() => sys.changes().some((c) => c.entityId === inB), 10_000, "the system admin to get tenant B's page")
  await pubB.waitFor(() => pubB.changes().some((c) => c.entityId === inB), 10_000, "tenant B's public stream to go on")
  for (const [name, client] of [['alice', alice], ['carol', carol], ['sys', sys]] as const) {
    t.notOk(client.changes().some((c) => c.entityId === inA), `${name}'s stream does not get the suspended tenant's change`)
  }
  t.equal(await endsWithin(carol, 200), false, "carol's cross-tenant stream stays open")

  // A timeout: without the refusal these would be open streams.
  const signal = AbortSignal.timeout(5_000)
  const refused = await fetch(`${baseUrl}/entities/app/stream`, { headers: { cookie: users.alice.cookie }, signal })
  t.equal(refused.status, 403, "a new stream of the suspended tenant's member is refused")
  t.match(await refused.json(), { error: { status: 403, type: 'tenant_suspended', requestId: String } })
  const catchUp = await fetch(`${baseUrl}/entities/app/stream?live=catchup`, { headers: { cookie: users.alice.cookie }, signal })
  t.equal(catchUp.status, 403, 'and so is its catch-up')
  const publicRefused = await fetch(`${baseUrl}/public/aaaaaa/stream`, { signal })
  t.equal(publicRefused.status, 404, 'the public stream answers like the public guard')
  t.match(await publicRefused.json(), { error: { type: 'tenant_not_found' } })
  const replay = await stream('/entities/app/stream', 'carol')
  t.notOk(replay.changes().some((c) => c.tenantId === 'aaaaaa'), "carol's replay leaves the suspended tenant out")
  t.ok(replay.changes().some((c) => c.entityId === inB), 'and keeps the active one')

  await setStatus('aaaaaa', 'active')
  const back = await userStream('alice')
  t.equal(back.status, 200, 'a reactivated tenant streams again')
  const forAlice = await writePage('aaaaaa', 'x')
  const forCarol = await writePage('aaaaaa', 'y')
  await back.waitFor(() => back.changes().some((c) => c.entityId === forAlice), 10_000, "alice's new stream to get tenant A")
  await carol.waitFor(() => carol.changes().some((c) => c.entityId === forCarol), 10_000, "carol's open stream to get tenant A again")
})

t.test('an archived tenant: its public stream ends and new ones are refused', async (t) => {
  const pubB = await publicStream('bbbbbb')
  const res = await as(app, users.sys)('DELETE', '/tenants/bbbbbb')
  t.equal(res.statusCode, 200)
  t.equal(await endsWithin(pubB, 5_000), true, 'the public stream ends')
  t.equal((await fetch(`${baseUrl}/public/bbbbbb/stream`, { signal: AbortSignal.timeout(5_000) })).status, 404)
  const carol = await userStream('carol')
  const inB = await writePage('bbbbbb', 'z')
  const inA = await writePage('aaaaaa', 'y')
  await carol.waitFor(() => carol.changes().some((c) => c.entityId === inA), 10_000, "carol to get tenant A's page")
  t.notOk(carol.changes().some((c) => c.entityId === inB), "nor the archived tenant's change")
})
