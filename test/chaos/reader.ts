import { type SseEvent, openStream } from '../sse-client.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface Delivery {
  cursor: string
  entityId: string
  at: number
}

/** How one connection of a reader ended (its own `stop()` aside): `retried` when the server's last word was `retry:`. */
export interface ConnectionEnd {
  at: number
  retried: boolean
}

/**
 * A reader of the change stream that, like a browser's EventSource, resumes by Last-Event-ID.
 * It checks each create's `data` (the entity's DTO, issue 18.6) against the event's entity id.
 */
export class ResumingReader {
  readonly delivered: Delivery[] = []
  readonly ends: ConnectionEnd[] = []
  /** Creates delivered without `data`, or with a `data.id` other than their entityId. */
  dataMismatches = 0
  reconnects = 0
  /** Set once its first stream is open. */
  connected = false
  private stopped = false
  private close: (() => void) | undefined
  private readonly running: Promise<void>

  constructor(private readonly url: () => string, private readonly cookie: string) {
    this.running = this.run()
  }

  private async run(): Promise<void> {
    for (let first = true; !this.stopped; first = false) {
      if (!first) {
        this.reconnects++
        await sleep(250)
      }
      const last = this.delivered.at(-1)?.cursor
      try {
        const client = await openStream(this.url(), { cookie: this.cookie, 'last-event-id': last ?? 'now' })
        this.close = client.close
        if (client.status !== 200) {
          client.close()
          continue
        }
        this.connected = true
        // The connection's `retry:` fields and its last event: a server ending it on shutdown says `retry:` last.
        const seen = { retries: 0, last: '' }
        let done = false
        void client.ended.then(() => { done = true })
        while (!done && !this.stopped) {
          this.take(client.events, seen)
          await sleep(50)
        }
        this.take(client.events, seen)
        client.close()
        if (!this.stopped) this.ends.push({ at: Date.now(), retried: seen.retries >= 2 && seen.last === 'retry' })
      } catch {
        // refused or reset: retry
      }
    }
  }

  /** Consumes the events read so far (the array is emptied: a soak's readers keep no backlog). */
  private take(events: SseEvent[], seen: { retries: number; last: string }): void {
    for (const event of events.splice(0)) {
      seen.last = event.event
      if (event.event === 'retry') seen.retries++
      if (event.event !== 'change') continue
      const change = JSON.parse(event.data) as { cursor: string; action: string; entityId: string; data?: { id?: unknown } }
      if (change.action === 'create' && change.data?.id !== change.entityId) this.dataMismatches++
      this.delivered.push({ cursor: change.cursor, entityId: change.entityId, at: Date.now() })
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.close?.()
    await this.running
  }
}
