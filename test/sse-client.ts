/** A real SSE client over fetch streaming, recording every event and comment it reads. */
export interface SseEvent {
  event: string
  id?: string
  data: string
  retry?: number
  comment?: string
}

export interface StreamClient {
  events: SseEvent[]
  status: number
  changes(): Array<{ cursor: string; action: string; entityType: string; entityId: string; organizationId: string | null; [k: string]: unknown }>
  waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number, what?: string): Promise<void>
  ended: Promise<void>
  close(): void
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const abort = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
  const events: SseEvent[] = []
  const decoder = new TextDecoder()
  let buffer = ''
  const parse = (block: string) => {
    const event: SseEvent = { event: 'message', data: '' }
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) event.comment = line.slice(1).trim()
      else if (line.startsWith('event: ')) event.event = line.slice(7)
      else if (line.startsWith('id: ')) event.id = line.slice(4)
      else if (line.startsWith('data: ')) data.push(line.slice(6))
      else if (line.startsWith('retry: ')) event.retry = Number(line.slice(7))
    }
    event.data = data.join('\n')
    if (event.comment !== undefined && !event.data) event.event = 'comment'
    else if (event.retry !== undefined && !event.data) event.event = 'retry'
    events.push(event)
  }
  const ended = (async () => {
    if (!response.body) return
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        for (let at = buffer.indexOf('\n\n'); at !== -1; at = buffer.indexOf('\n\n')) {
          parse(buffer.slice(0, at))
          buffer = buffer.slice(at + 2)
        }
      }
    } catch {
      // aborted or reset: the stream is over
    }
  })()
  return {
    events,
    status: response.status,
    changes: () => events.filter((e) => e.event === 'change').map((e) => JSON.parse(e.data)),
    async waitFor(predicate, timeoutMs = 10_000, what = 'events') {
      const deadline = Date.now() + timeoutMs
      while (!predicate(events)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.slice(-5))}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    ended,
    close: () => abort.abort(),
  }
}
