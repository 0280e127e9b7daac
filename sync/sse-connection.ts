import type { ServerResponse } from 'node:http'
import { type Activity, toChangeEvent } from './activity.js'

/**
 * Each activity's `change` frame, serialized once however many streams it goes to (the same
 * object goes to every recipient: views that differ, e.g. a public one without `data`, are
 * objects of their own).
 */
const frames = new WeakMap<Activity, string>()
function frameOf(activity: Activity): string {
  let frame = frames.get(activity)
  if (frame === undefined) {
    frame = `id: ${activity.cursor}\nevent: change\ndata: ${JSON.stringify(toChangeEvent(activity))}\n\n`
    frames.set(activity, frame)
  }
  return frame
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
  private readonly heartbeat: NodeJS.Timeout
  closed = false
  sent = 0
  onClose: ((reason: 'client' | 'slow' | 'server') => void) | undefined

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseLimits,
    headers: Record<string, string | number | string[] | undefined>,
    private readonly observer?: { sent(): void; dropped(): void },
  ) {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write(`retry: ${limits.retryMs}\n\n`)
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), limits.heartbeatMs)
    this.heartbeat.unref()
    res.on('close', () => this.finish('client'))
  }

  /** The cursor of the last change written: a stream never goes backwards or repeats itself. */
  private lastCursor = ''

  change(activity: Activity): void {
    if (activity.cursor <= this.lastCursor) return
    this.lastCursor = activity.cursor
    this.write(frameOf(activity))
    this.sent++
    this.observer?.sent()
  }

  /**
   * During a replay the server is the fast side: wait for the client to drain half the
   * allowance before writing more, instead of treating the backlog as a slow client.
   */
  async ready(): Promise<void> {
    if (this.closed || this.res.writableLength <= this.limits.maxBufferedBytes / 2) return
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done)
        this.res.off('close', done)
        resolve()
      }
      this.res.on('drain', done)
      this.res.on('close', done)
    })
  }

  /** Where the replay ended: a live change at or before it was replayed or predates the stream. */
  offset(cursor: string): void {
    if (cursor > this.lastCursor) this.lastCursor = cursor
    this.write(`event: offset\ndata: ${JSON.stringify({ cursor })}\n\n`)
  }

  private write(chunk: string): void {
    if (this.closed) return
    this.res.write(chunk)
    if (this.res.writableLength > this.limits.maxBufferedBytes) this.end('slow')
  }

  /** Ends the stream; on shutdown it first tells the client when to come back. */
  end(reason: 'slow' | 'server'): void {
    if (this.closed) return
    if (reason === 'server') this.res.write(`retry: ${this.limits.retryMs}\n\n`)
    if (reason === 'slow') this.observer?.dropped()
    this.finish(reason)
    // A stalled reader will never drain: drop the socket rather than wait for it.
    if (reason === 'slow') this.res.destroy()
    else this.res.end()
  }

  private finish(reason: 'client' | 'slow' | 'server'): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeat)
    this.onClose?.(reason)
  }
}
