import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { setImmediate } from 'node:timers/promises'
import { type Activity, toChangeEvent } from './activity.js'

/**
 * An SSE event as bytes, encoded once however many streams it goes to: the event itself, and the
 * same bytes framed as one HTTP/1.1 chunk (a view of them, for a response with chunked encoding).
 */
interface Frame {
  chunk: Buffer
  body: Buffer
}

function frameFrom(text: string): Frame {
  const head = `${Buffer.byteLength(text).toString(16)}\r\n`
  const chunk = Buffer.from(`${head}${text}\r\n`)
  return { chunk, body: chunk.subarray(head.length, chunk.length - 2) }
}

/**
 * Each activity's `change` frame, serialized once however many streams it goes to (the same
 * object goes to every recipient: views that differ, e.g. a public one without `data`, are
 * objects of their own).
 */
const frames = new WeakMap<Activity, Frame>()
function frameOf(activity: Activity): Frame {
  let frame = frames.get(activity)
  if (frame === undefined) {
    frame = frameFrom(`id: ${activity.cursor}\nevent: change\ndata: ${JSON.stringify(toChangeEvent(activity))}\n\n`)
    frames.set(activity, frame)
  }
  return frame
}

const heartbeatFrame = frameFrom(': heartbeat\n\n')

/**
 * Streams with frames not yet written, in the order of their first one. A stream's socket is
 * corked from its first frame on and uncorked when its turn comes: one socket write carries all
 * its frames. Turns start in a microtask once the batch that wrote them ends (never a timer),
 * `flushSlice` streams at a time; between slices the event loop runs, so while a change goes out
 * to many streams the next ones are read and join the writes still to come instead of each
 * costing every stream a write of its own.
 */
const flushSlice = 100
let queue: SseConnection[] = []
let head = 0
let flushing = false

function enqueue(connection: SseConnection): void {
  queue.push(connection)
  if (flushing) return
  flushing = true
  queueMicrotask(() => void flushQueue())
}

async function flushQueue(): Promise<void> {
  try {
    while (head < queue.length) {
      const end = Math.min(queue.length, head + flushSlice)
      while (head < end) queue[head++]!.flush()
      if (head < queue.length) await setImmediate()
    }
  } finally {
    queue = []
    head = 0
    flushing = false
  }
}

export interface SseLimits {
  heartbeatMs: number
  maxBufferedBytes: number
  retryMs: number
}

/**
 * One open `text/event-stream` response. Writes are never queued in our memory: Node's socket
 * buffer is the queue, and once it holds more than `maxBufferedBytes` the stream is closed
 * (the client reconnects with Last-Event-ID and loses nothing).
 */
export class SseConnection {
  private heartbeat: NodeJS.Timeout
  private readonly retryFrame: Frame
  /** Has frames waiting for its turn (it is in `queue`). */
  private inBatch = false
  /** The socket corked for its turn, if any (a response not yet writing to it goes through `res.write`). */
  private corkedSocket: Socket | undefined
  closed = false
  sent = 0
  /** Whether the response carries a body: a HEAD response is its head alone (RFC 9110 §9.3.2). */
  private readonly hasBody: boolean
  /** Change events written since its last turn, counted for the observer once per turn. */
  private unreported = 0
  onClose: ((reason: 'client' | 'slow' | 'server') => void) | undefined

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseLimits,
    headers: Record<string, string | number | string[] | undefined>,
    private readonly observer?: { sent(count: number): void; dropped(): void },
  ) {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    this.hasBody = res.req.method !== 'HEAD'
    this.retryFrame = frameFrom(`retry: ${limits.retryMs}\n\n`)
    // Through the response: it sends the headers with it. Every later frame goes to the socket.
    res.write(this.retryFrame.body)
    // Streams opened together (a restart, a deploy, a reconnect storm) would beat together:
    // thousands of writes at one instant, every interval. Each stream's first beat comes at a
    // random point of its first interval, so the beats of many streams spread evenly.
    const beat = () => this.write(heartbeatFrame)
    this.heartbeat = setTimeout(() => {
      beat()
      if (!this.closed) this.heartbeat = setInterval(beat, limits.heartbeatMs).unref()
    }, Math.random() * limits.heartbeatMs).unref()
    res.on('close', () => this.finish('client'))
  }

  /** The cursor of the last change written: a stream never goes backwards or repeats itself. */
  private lastCursor = ''

  change(activity: Activity): void {
    if (activity.cursor <= this.lastCursor) return
    this.lastCursor = activity.cursor
    this.write(frameOf(activity))
    this.sent++
    this.unreported++
  }

  /**
   * During a replay the server is the fast side: wait for the client to drain half the
   * allowance before writing more, instead of treating the backlog as a slow client. Undefined
   * when there is room: a replay page then goes out as one batch.
   */
  ready(): Promise<void> | undefined {
    const socket = this.res.socket
    if (this.closed || this.res.writableLength <= this.limits.maxBufferedBytes / 2) return undefined
    // A response pipelined behind another on its connection has no socket until that one ends:
    // its frames wait in the response, so the replay waits for the socket rather than overflow.
    if (!socket) return this.once('socket')
    this.flush()
    // The socket signals 'drain' only once it has held more than its own buffer mark: below it,
    // none would come (an allowance under twice that mark), and there is room already.
    if (!socket.writableNeedDrain) return undefined
    return this.once('drain', socket)
  }

  /** Resolves on `event` of the response (or of `emitter`), or when the response closes. */
  private once(event: string, emitter: NodeJS.EventEmitter = this.res): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        emitter.off(event, done)
        this.res.off('close', done)
        resolve()
      }
      emitter.on(event, done)
      this.res.on('close', done)
    })
  }

  /** Where the replay ended: a live change at or before it was replayed or predates the stream. */
  offset(cursor: string): void {
    if (cursor > this.lastCursor) this.lastCursor = cursor
    this.write(frameFrom(`event: offset\ndata: ${JSON.stringify({ cursor })}\n\n`))
  }

  /**
   * Straight to the socket, corked until its turn, once everything the response wrote
   * itself (headers, first `retry:`) is in it: the shared frame's bytes as they are, where
   * `res.write` would frame and encode them again for every stream and flush each on its own tick.
   */
  private write(frame: Frame): void {
    if (this.closed) return
    const { res } = this
    if (!this.inBatch) {
      this.inBatch = true
      enqueue(this)
    }
    // A response without a body (HEAD) gets none: `res.write` drops it, where bytes put on the
    // socket would be read as the next response on the connection.
    const socket = this.hasBody ? res.socket : null
    if (socket && res.writableLength === socket.writableLength) {
      if (this.corkedSocket !== socket) {
        socket.cork()
        this.corkedSocket = socket
      }
      socket.write(res.chunkedEncoding ? frame.chunk : frame.body)
    } else res.write(frame.body)
    if (res.writableLength <= this.limits.maxBufferedBytes) return
    // Over the allowance before its turn: write it now, and only then judge the reader.
    this.flush()
    if (res.writableLength > this.limits.maxBufferedBytes) this.end('slow')
  }

  /** Writes what was corked for its turn (one write of every frame it holds). */
  flush(): void {
    if (!this.inBatch) return
    this.inBatch = false
    this.corkedSocket?.uncork()
    this.corkedSocket = undefined
    if (this.unreported > 0) this.observer?.sent(this.unreported)
    this.unreported = 0
  }

  /** Ends the stream; on shutdown it first tells the client when to come back. */
  end(reason: 'slow' | 'server'): void {
    if (this.closed) return
    if (reason === 'server') this.write(this.retryFrame)
    if (reason === 'slow') this.observer?.dropped()
    this.flush()
    this.finish(reason)
    // A stalled reader will never drain: drop the socket rather than wait for it.
    if (reason === 'slow') this.res.destroy()
    else this.res.end()
  }

  private finish(reason: 'client' | 'slow' | 'server'): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.heartbeat)
    this.onClose?.(reason)
  }
}
