import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { type Activity, type IngestMessage, maxIngestBatch, toChangeEvent } from './activity.js'
import { backoffDelay } from './backoff.js'

export interface IngestClientOptions {
  /** ws://host:port/internal/cdc */
  url: string
  secret: string
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}

/**
 * The worker's side of `/internal/cdc`: one WebSocket, re-opened with exponential backoff and
 * jitter. A batch sent while disconnected is dropped on purpose: the activities are already
 * committed, and the API catches up from the activities table by cursor when batches resume.
 */
export class IngestClient {
  private socket: WebSocket | undefined
  private attempt = 0
  private closed = false
  private timer: NodeJS.Timeout | undefined
  /** Batches the API acknowledged. */
  acknowledged = 0
  reconnects = 0

  constructor(private readonly options: IngestClientOptions) {}

  start(): void {
    this.connect()
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN
  }

  private connect(): void {
    if (this.closed) return
    const socket = new WebSocket(this.options.url, { headers: { 'x-cdc-secret': this.options.secret } })
    this.socket = socket
    socket.on('open', () => {
      this.attempt = 0
      this.options.log.info({ url: this.options.url }, 'cdc ingest connected')
    })
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string }
      if (message.type === 'ack') this.acknowledged++
      else this.options.log.warn({ message }, 'cdc ingest answered with an error')
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.closed) return
      const delay = backoffDelay(this.attempt++)
      this.reconnects++
      this.timer = setTimeout(() => this.connect(), delay)
    })
  }

  /**
   * Sends one committed batch, in messages of at most `maxIngestBatch` that chain by cursor. Row
   * images stay behind: the API reads the change log itself (a message is a wake-up).
   */
  send(previousCursor: string, activities: Activity[]): boolean {
    if (!this.connected || activities.length === 0) return false
    for (let at = 0; at < activities.length; at += maxIngestBatch) {
      const chunk = activities.slice(at, at + maxIngestBatch)
      const message: IngestMessage = { type: 'batch', batchId: randomUUID(), previousCursor, activities: chunk.map((a) => toChangeEvent(a)) }
      this.socket!.send(JSON.stringify(message))
      previousCursor = chunk.at(-1)!.cursor
    }
    return true
  }

  async stop(): Promise<void> {
    this.closed = true
    clearTimeout(this.timer)
    const socket = this.socket
    if (!socket || socket.readyState === WebSocket.CLOSED) return
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.close()
    })
  }
}
