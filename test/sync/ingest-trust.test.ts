import t from 'tap'
import { v7 as uuid } from 'uuid'
import WebSocket from 'ws'
import type { ActivityMessage } from '../../sync/activity.js'
import { as, eventually } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// An attacker who holds the CDC secret (or a compromised worker) sends forged batches over the
// real ingest socket: nothing in a message may grant access or move the bus.
const { app, baseUrl, users, orgs, sync } = await syncWorld(t)
const streamUrl = `${baseUrl}/entities/app/stream?offset=now`
const live = async (who: 'alice' | 'eve') => {
  const client = await openStream(streamUrl, { cookie: users[who].cookie })
  t.teardown(() => client.close())
  await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, `${who}'s offset`)
  return client
}

const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/internal/cdc`, { headers: { 'x-cdc-secret': sync.cdcSecret! } })
await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
t.teardown(() => ws.close())
const replies: Array<{ type: string; error?: string; batchId?: string }> = []
ws.on('message', (data) => replies.push(JSON.parse(String(data))))
async function sendBatch(batchId: string, activity: Partial<ActivityMessage> & Pick<ActivityMessage, 'cursor'>) {
  ws.send(JSON.stringify({ type: 'batch', batchId, previousCursor: app.activityBus!.cursor, activities: [{
    action: 'create', entityType: 'page', entityId: uuid(), tenantId: 'aaaaaa', organizationId: orgs.x,
    userId: null, seq: null, changedFields: null, createdAt: new Date().toISOString(), ...activity,
  }] }))
  return eventually(() => replies.find((r) => r.batchId === batchId), 10_000, `the reply to ${batchId}`)
}
const createPage = async (title: string) => {
  const res = await as(app, users.alice)('POST', '/aaaaaa/org-x/pages', { title })
  if (res.statusCode !== 201) throw new Error(res.body)
  return (res.json() as { id: string }).id
}

const alice = await live('alice')
const eve = await live('eve')
// A real change first: the bus's cursor is then a stored one, as in production.
const first = await createPage('before the attack')
await alice.waitFor(() => alice.changes().some((c) => c.entityId === first), 10_000, 'the first page')

t.test('a forged membership event grants nothing: a non-member never gets the organization', async (t) => {
  const next = app.activityBus!.cursor.replace(/-.*/, '-fffff0')
  const reply = await sendBatch('forged-membership', {
    cursor: next, entityType: 'membership', tenantId: 'aaaaaa', organizationId: orgs.x, userId: users.eve.user.id,
  })
  t.same([reply.type, reply.error], ['error', 'unknown_activities'], 'a batch the change log does not hold is refused')
  const pageId = await createPage('members only')
  await alice.waitFor(() => alice.changes().some((c) => c.entityId === pageId), 10_000, 'the member to get the page')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(eve.changes(), [], 'eve, a member of nothing, got neither the forged membership nor the page')
})

t.test('a cursor far ahead is refused and live delivery goes on', async (t) => {
  const reply = await sendBatch('far-ahead', { cursor: 'FFFFFFFFFFFFFFFF-ffffff' })
  t.same([reply.type, reply.error], ['error', 'unknown_activities'])
  t.not(app.activityBus!.cursor, 'FFFFFFFFFFFFFFFF-ffffff', 'the bus did not jump')
  const pageId = await createPage('after the forged cursor')
  await alice.waitFor(() => alice.changes().some((c) => c.entityId === pageId), 10_000, 'a real change after the forged batch')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /cdc_ingest_batches_total\{result="rejected"\} 2/, 'both forged batches counted as rejected')
})
