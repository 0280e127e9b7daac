import net from 'node:net'
import t from 'tap'
import { syncWorld } from './sync-world.js'

// Streams opened together must not heartbeat together: 10,000 streams opened after a restart
// would otherwise write 10,000 heartbeats at one instant, every interval.
const heartbeatMs = 1_000
const { baseUrl, users } = await syncWorld(t, { streams: { maxPerUser: 100, heartbeatMs } })
const port = Number(new URL(baseUrl).port)

/** Opens a stream over a raw socket; resolves with the times (ms since `opened`) of its heartbeats. */
function heartbeatsOf(opened: number, count: number): { beats: Promise<number[]>; socket: net.Socket } {
  const beats: number[] = []
  let text = ''
  const socket = net.connect(port, '127.0.0.1', () => socket.write(
    `GET /entities/app/stream?offset=now HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${users.alice.cookie}\r\nAccept: text/event-stream\r\n\r\n`))
  return {
    socket,
    beats: new Promise((resolve, reject) => {
      socket.on('error', reject)
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1')
        let at = text.indexOf(': heartbeat\n\n')
        while (at >= 0) {
          beats.push(performance.now() - opened)
          text = text.slice(at + 1)
          at = text.indexOf(': heartbeat\n\n')
        }
        if (beats.length >= count) resolve(beats)
      })
    }),
  }
}

t.test('streams opened at once beat at spread times, each once per interval', async (t) => {
  const opened = performance.now()
  const streams = Array.from({ length: 20 }, () => heartbeatsOf(opened, 2))
  t.teardown(() => { for (const { socket } of streams) socket.destroy() })
  const beats = await Promise.all(streams.map((s) => s.beats))
  const firsts = beats.map((b) => b[0]!)
  // Twenty uniform draws over one interval span less than a third of it with odds ~1e-9.
  t.ok(Math.max(...firsts) - Math.min(...firsts) > heartbeatMs / 3, `first beats spread over ${Math.round(Math.max(...firsts) - Math.min(...firsts))} ms`)
  t.ok(firsts.every((at) => at <= heartbeatMs + 500), 'every stream beats within its first interval')
  for (const [first, second] of beats) {
    t.ok(Math.abs(second! - first! - heartbeatMs) < 400, `then every interval (${Math.round(second! - first!)} ms)`)
  }
})
