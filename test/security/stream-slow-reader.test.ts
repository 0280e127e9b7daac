import net from 'node:net'
import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { eventually } from '../helper.js'
import { syncWorld } from '../sync/sync-world.js'

// Attack on corked stream writes (sync/sse-connection.ts) with a reader that stops reading: it
// must be dropped as slow (its socket closed), while a stream on the same batch that reads gets
// every change, in order; what the slow one did get is whole frames, in order, framed right.
const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { maxPerUser: 100, maxBufferedBytes: 64 * 1024 } })
const port = Number(new URL(baseUrl).port)

function open(read: boolean) {
  let bytes = Buffer.alloc(0)
  const socket = net.connect(port, '127.0.0.1', () => socket.write(
    `GET /entities/app/stream?offset=now HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${users.alice.cookie}\r\nAccept: text/event-stream\r\n\r\n`))
  socket.setNoDelay(true)
  socket.on('error', () => {})
  const onData = (chunk: Buffer) => { bytes = Buffer.concat([bytes, chunk]) }
  socket.on('data', onData)
  const stop = () => { if (!read) { socket.off('data', onData); socket.pause() } }
  return { socket, text: () => bytes.toString('latin1'), stop }
}

/** The change ids in a chunked body, checking each chunk's size line and CRLF. */
function changesOf(text: string): string[] {
  const body = text.slice(text.indexOf('\r\n\r\n') + 4)
  let at = 0
  let data = ''
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at)
    if (lineEnd < 0) break
    const size = Number.parseInt(body.slice(at, lineEnd), 16)
    if (!/^[0-9a-f]+$/.test(body.slice(at, lineEnd))) throw new Error(`bad chunk size line at ${at}`)
    if (body.length < lineEnd + 2 + size + 2) break
    data += body.slice(lineEnd + 2, lineEnd + 2 + size)
    if (body.slice(lineEnd + 2 + size, lineEnd + 4 + size) !== '\r\n') throw new Error('chunk without its CRLF')
    at = lineEnd + 4 + size
  }
  return [...data.matchAll(/id: \S+\nevent: change\ndata: .*?"entityId":"([^"]+)"/g)].map((m) => m[1]!)
}

t.test('a reader that stops is dropped; a reader on the same batches gets everything, in order', async (t) => {
  const reader = open(true)
  const stalled = open(false)
  t.teardown(() => { reader.socket.destroy(); stalled.socket.destroy() })
  await eventually(() => reader.text().includes('event: offset') && stalled.text().includes('event: offset'), 10_000, 'both live')
  stalled.stop()
  const ids: string[] = []
  for (let round = 0; round < 20; round++) {
    const batch = Array.from({ length: 300 }, () => uuid())
    ids.push(...batch)
    await sql`insert into pages (id, tenant_id, organization_id, title)
      select id, 'aaaaaa', ${orgs.x}::uuid, ${'x'.repeat(500)} from unnest(${batch}::uuid[]) with ordinality as b(id, n) order by n`.execute(database.superuser)
  }
  await eventually(() => changesOf(reader.text()).length >= ids.length, 30_000, 'every change at the reader')
  t.same(changesOf(reader.text()), ids, 'the reader: every change once, in order')
  await eventually(() => app.streams!.registry.size === 1, 10_000, 'the stalled stream dropped, the reader kept')
  const got = changesOf(stalled.text())
  t.same(got, ids.slice(0, got.length), `the stalled reader: ${got.length} whole changes, in order, before it was dropped`)
})
