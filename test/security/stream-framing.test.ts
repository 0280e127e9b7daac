import net from 'node:net'
import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { eventually } from '../helper.js'
import { syncWorld } from '../sync/sync-world.js'

// Attack on the streams' hand-made HTTP framing (sync/sse-connection.ts writes frames straight to
// the socket, corked per batch): under bursts with heartbeats between them, for HTTP/1.1 (chunked),
// HTTP/1.0 (no chunked encoding) and a stream pipelined behind another request, and at shutdown,
// the bytes on the wire must be exactly well-formed HTTP carrying whole SSE frames, in order.
const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { maxPerUser: 100, heartbeatMs: 5 } })
const port = Number(new URL(baseUrl).port)

interface RawStream {
  socket: net.Socket
  /** Everything received, as bytes. */
  bytes: () => Buffer
  ended: Promise<void>
}

function rawStream(request: string): RawStream {
  const chunks: Buffer[] = []
  const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  return { socket, bytes: () => Buffer.concat(chunks), ended }
}

const streamRequest = (version: '1.0' | '1.1') =>
  `GET /entities/app/stream?offset=now HTTP/${version}\r\nHost: 127.0.0.1\r\nCookie: ${users.alice.cookie}\r\nAccept: text/event-stream\r\n\r\n`

/** Splits one HTTP response off `bytes`: head, body (de-chunked strictly if chunked), what follows, and whether it ended. */
function parseResponse(bytes: Buffer): { head: string; body: string; rest: Buffer; complete: boolean } {
  const headEnd = bytes.indexOf('\r\n\r\n')
  if (headEnd < 0) throw new Error('no response head')
  const head = bytes.subarray(0, headEnd).toString('latin1')
  let at = headEnd + 4
  if (!/\r\ntransfer-encoding: chunked/i.test(head)) {
    const length = /\r\ncontent-length: (\d+)/i.exec(head)
    if (length) {
      const end = at + Number(length[1])
      return { head, body: bytes.subarray(at, end).toString('utf8'), rest: bytes.subarray(end), complete: true }
    }
    return { head, body: bytes.subarray(at).toString('utf8'), rest: Buffer.alloc(0), complete: false }
  }
  const parts: Buffer[] = []
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at)
    if (lineEnd < 0) return { head, body: Buffer.concat(parts).toString('utf8'), rest: Buffer.alloc(0), complete: false }
    const sizeText = bytes.subarray(at, lineEnd).toString('latin1')
    if (!/^[0-9a-f]+$/i.test(sizeText)) throw new Error(`bad chunk size line ${JSON.stringify(sizeText.slice(0, 80))} at byte ${at}`)
    const size = Number.parseInt(sizeText, 16)
    const dataEnd = lineEnd + 2 + size
    if (bytes.length < dataEnd + 2) return { head, body: Buffer.concat(parts).toString('utf8'), rest: Buffer.alloc(0), complete: false }
    if (bytes.subarray(dataEnd, dataEnd + 2).toString('latin1') !== '\r\n') throw new Error(`chunk of ${size} bytes not followed by CRLF at byte ${dataEnd}`)
    if (size === 0) return { head, body: Buffer.concat(parts).toString('utf8'), rest: bytes.subarray(dataEnd + 2), complete: true }
    parts.push(bytes.subarray(lineEnd + 2, dataEnd))
    at = dataEnd + 2
  }
}

/** The SSE frames of a body: each must be one of ours, whole. */
function framesOf(body: string): { changes: string[]; kinds: string[] } {
  const frames = body.split('\n\n')
  const tail = frames.pop()
  const changes: string[] = []
  const kinds: string[] = []
  for (const frame of frames) {
    if (frame === ': heartbeat') kinds.push('heartbeat')
    else if (/^retry: \d+$/.test(frame)) kinds.push('retry')
    else if (/^event: offset\ndata: \{"cursor":"[^"]*"\}$/.test(frame)) kinds.push('offset')
    else {
      const change = /^id: (\S+)\nevent: change\ndata: (\{.*\})$/.exec(frame)
      if (!change) throw new Error(`a mangled frame: ${JSON.stringify(frame.slice(0, 200))}`)
      const data = JSON.parse(change[2]!) as { cursor: string; entityId: string }
      if (data.cursor !== change[1]) throw new Error('a change frame whose id is not its cursor')
      kinds.push('change')
      changes.push(data.entityId)
    }
  }
  if (tail !== '' && tail !== undefined && !/^(: heartbeat|retry: \d+|event: |id: )/.test(tail)) throw new Error(`a partial frame that is none of ours: ${tail.slice(0, 80)}`)
  return { changes, kinds }
}

async function burst(size: number): Promise<string[]> {
  const ids = Array.from({ length: size }, () => uuid())
  await sql`insert into pages (id, tenant_id, organization_id, title)
    select id, 'aaaaaa', ${orgs.x}::uuid, 'burst' from unnest(${ids}::uuid[]) with ordinality as b(id, n) order by n`.execute(database.superuser)
  return ids
}

const live = (stream: RawStream) => eventually(() => stream.bytes().includes('event: offset'), 10_000, 'the stream to go live')

t.test('HTTP/1.1, HTTP/1.0 and a stream pipelined behind another request: whole frames, in order, framed right', async (t) => {
  const http11 = rawStream(streamRequest('1.1'))
  const http10 = rawStream(streamRequest('1.0'))
  // A first request on the same connection: the stream's response waits for it, then writes.
  const pipelined = rawStream(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n${streamRequest('1.1')}`)
  t.teardown(() => { for (const s of [http11, http10, pipelined]) s.socket.destroy() })
  await Promise.all([live(http11), live(http10), eventually(() => pipelined.bytes().includes('event: offset'), 10_000, 'the pipelined stream')])

  const ids = [...await burst(300), ...await burst(1), ...await burst(200)]
  const bodyOf = (stream: RawStream, skipFirst = false) => {
    let bytes = stream.bytes()
    if (skipFirst) {
      const first = parseResponse(bytes)
      t.ok(first.complete, 'the first pipelined response is complete')
      bytes = first.rest
    }
    return parseResponse(bytes)
  }
  await eventually(() => [http11, http10].every((s) => framesOf(bodyOf(s).body).changes.length >= ids.length)
    && framesOf(bodyOf(pipelined, true).body).changes.length >= ids.length, 30_000, 'the bursts at every stream')

  const r11 = bodyOf(http11)
  t.match(r11.head, /^HTTP\/1\.1 200/)
  t.match(r11.head, /transfer-encoding: chunked/i, 'HTTP/1.1: chunked')
  t.same(framesOf(r11.body).changes, ids, 'HTTP/1.1: every change once, in order')
  const r10 = bodyOf(http10)
  t.match(r10.head, /^HTTP\/1\.1 200/)
  t.notMatch(r10.head, /transfer-encoding/i, 'HTTP/1.0: no chunked encoding')
  t.same(framesOf(r10.body).changes, ids, 'HTTP/1.0: every change once, in order, no chunk framing in the body')
  const rp = bodyOf(pipelined, true)
  t.same(framesOf(rp.body).changes, ids, 'pipelined: every change once, in order')
  t.ok(framesOf(r11.body).kinds.includes('heartbeat'), 'heartbeats went out between the frames')
})

t.test('shutdown during a burst: each stream ends with a retry hint, then a well-formed end', async (t) => {
  const streams = [rawStream(streamRequest('1.1')), rawStream(streamRequest('1.0'))]
  t.teardown(() => { for (const s of streams) s.socket.destroy() })
  await Promise.all(streams.map(live))
  const ids = await burst(400)
  await eventually(() => framesOf(parseResponse(streams[0]!.bytes()).body).changes.length > 0, 10_000, 'the burst to start')
  await app.close()
  await Promise.all(streams.map((s) => s.ended))
  for (const [i, s] of streams.entries()) {
    const response = parseResponse(s.bytes())
    if (i === 0) t.ok(response.complete, 'HTTP/1.1: the terminating chunk arrived')
    const { changes, kinds } = framesOf(response.body)
    t.same(changes, ids.slice(0, changes.length), `stream ${i}: the changes it got are in order, none lost before the last`)
    t.equal(kinds.at(-1), 'retry', `stream ${i}: the last frame is the retry hint`)
    t.equal(response.body.endsWith('\n\n'), true, `stream ${i}: nothing partial after it`)
  }
})
