/** One dispatched SSE event (or a lone `retry:`), per the EventSource parsing rules. */
export interface SseFrame {
  event: string
  data: string
  id?: string
  retry?: number
}

/** The frames of a `text/event-stream` body; comment lines (heartbeats) are skipped. */
export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let frame: Partial<SseFrame> & { data?: string } = {}
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let newline = buffer.search(/\r\n|\r|\n/)
      while (newline !== -1) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1))
        newline = buffer.search(/\r\n|\r|\n/)
        if (line === '') {
          if (frame.data !== undefined || frame.retry !== undefined) yield { event: frame.event ?? 'message', data: frame.data ?? '', ...frame.id === undefined ? {} : { id: frame.id }, ...frame.retry === undefined ? {} : { retry: frame.retry } }
          frame = {}
          continue
        }
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`
        else if (field === 'event') frame.event = value
        else if (field === 'id') frame.id = value
        else if (field === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value)
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}
