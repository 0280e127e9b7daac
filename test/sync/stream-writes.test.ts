import { Worker } from 'node:worker_threads'
import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { eventually } from '../helper.js'
import { syncWorld } from './sync-world.js'

const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { maxPerUser: 100 } })

interface Received {
  /** Reads of the socket after the stream went live (its `offset` event). */
  chunks: number
  /** The change events, in the order they arrived. */
  changes: Array<{ id: string; entityId: string }>
}

/**
 * Raw HTTP/1.1 stream clients on their own thread (so they read while the server writes, as
 * separate clients would): each socket's reads are counted and its change events parsed.
 */
const clientCode = `
const { parentPort, workerData } = require('node:worker_threads')
const net = require('node:net')
const streams = workerData.cookies.map((cookie) => {
  const stream = { chunks: 0, text: '', live: false }
  const socket = net.connect(workerData.port, '127.0.0.1', () => socket.write(
    'GET /entities/app/stream?offset=now HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nCookie: ' + cookie + '\\r\\nAccept: text/event-stream\\r\\n\\r\\n'))
  socket.setEncoding('utf8')
  socket.on('data', (chunk) => {
    if (stream.live) stream.chunks++
    stream.text += chunk
    if (!stream.live && stream.text.includes('event: offset')) {
      stream.live = true
      if (streams.every((s) => s.live)) parentPort.postMessage({ live: true })
    }
  })
  stream.socket = socket
  return stream
})
parentPort.on('message', (message) => {
  if (message === 'close') return streams.forEach((s) => s.socket.destroy())
  parentPort.postMessage({ received: streams.map((s) => ({
    chunks: s.chunks,
    changes: [...s.text.matchAll(/id: (\\S+)\\nevent: change\\ndata: .*?"entityId":"([^"]+)"/g)].map((m) => ({ id: m[1], entityId: m[2] })),
  })) })
})
`

function openClients(cookies: string[]) {
  const worker = new Worker(clientCode, { eval: true, workerData: { port: Number(new URL(baseUrl).port), cookies } })
  const live = new Promise<void>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('message', () => resolve())
  })
  const collect = () => new Promise<Received[]>((resolve) => {
    worker.once('message', (message: { received: Received[] }) => resolve(message.received))
    worker.postMessage('collect')
  })
  return { live, collect, close: () => worker.terminate() }
}

t.test('a burst of changes reaches every stream complete, in order, in few socket writes each', async (t) => {
  const burst = 600
  const readers = 30
  const outsiders = 5
  // Alice (admin of org X) reads the burst; Bob (org Y only) may read none of it.
  const clients = openClients([...Array<string>(readers).fill(users.alice.cookie), ...Array<string>(outsiders).fill(users.bob.cookie)])
  t.teardown(clients.close)
  await clients.live
  await eventually(() => app.streams!.registry.size === readers + outsiders, 10_000, 'the streams to register')

  // One transaction: one CDC batch, published by the bus in slices.
  const ids = Array.from({ length: burst }, () => uuid())
  await sql`insert into pages (id, tenant_id, organization_id, title)
    select id, 'aaaaaa', ${orgs.x}::uuid, 'burst' from unnest(${ids}::uuid[]) with ordinality as b(id, n) order by n`.execute(database.superuser)
  let received: Received[] = []
  await eventually(async () => {
    received = await clients.collect()
    return received.slice(0, readers).every((r) => r.changes.length >= burst)
  }, 30_000, 'the burst at every reader')

  for (const [i, r] of received.slice(0, readers).entries()) {
    const cursors = r.changes.map((c) => c.id)
    t.same(r.changes.map((c) => c.entityId), ids, `reader ${i}: every change once, in commit order`)
    t.same(cursors, [...new Set(cursors)].sort(), `reader ${i}: cursors increase`)
    // Each change its own write would arrive in about as many reads as changes.
    t.ok(r.chunks <= burst / 40, `reader ${i}: ${burst} changes in ${r.chunks} socket reads`)
  }
  t.ok(received.slice(readers).every((r) => r.changes.length === 0), 'no change of org X reaches a non-member')
})
