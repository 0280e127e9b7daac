import type { StrataClient } from './client.js'
import { StrataError } from './errors.js'
import { sseFrames } from './sse.js'
import type { Change } from './types.js'

export interface StreamOptions {
  /** Start after this cursor (a change's `cursor`); `now` for live changes only; default the beginning. */
  from?: string
  /** The public stream of this tenant instead of the signed-in caller's changes. */
  tenantId?: string
  signal?: AbortSignal
  /** Longest wait between reconnects, in ms. */
  maxDelayMs?: number
  /** Called with each (re)connection's outcome, for logs and tests. */
  onConnect?(info: { attempt: number; cursor: string | undefined }): void
}

/** 4xx other than 429 will not get better by retrying. */
const isFinal = (status: number) => status >= 400 && status < 500 && status !== 429

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms)
  function done() {
    clearTimeout(timer)
    signal?.removeEventListener('abort', done)
    resolve()
  }
  signal?.addEventListener('abort', done, { once: true })
})

/** Exponential from the server's `retry:` hint, capped, with full jitter so clients do not return in step. */
export function reconnectDelay(retryMs: number, attempt: number, maxDelayMs: number, random = Math.random): number {
  const ceiling = Math.min(maxDelayMs, retryMs * 2 ** attempt)
  return Math.round(retryMs / 2 + random() * Math.max(0, ceiling - retryMs / 2))
}

function open(client: StrataClient, options: StreamOptions, cursor: string | undefined) {
  const headers = { accept: 'text/event-stream', ...cursor ? { 'last-event-id': cursor } : {} }
  const init = { headers, parseAs: 'stream' as const, signal: options.signal }
  return options.tenantId
    ? client.api.GET('/public/{tenantId}/stream', { ...init, params: { path: { tenantId: options.tenantId } } })
    : client.api.GET('/entities/app/stream', init)
}

/**
 * The change stream as an async iterable: every change once, in commit order, across
 * disconnects and server restarts (it resumes with `Last-Event-ID` after the last change it
 * yielded), reconnecting with jittered backoff from the server's `retry:`. Ends when `signal`
 * aborts; throws a `StrataError` on an answer retrying cannot fix (401, 403, 404).
 */
export async function* changes(client: StrataClient, options: StreamOptions = {}): AsyncGenerator<Change, void> {
  const { signal, maxDelayMs = 30_000 } = options
  let cursor = options.from
  let attempt = 0
  while (!signal?.aborted) {
    let waitMs: number | undefined
    try {
      options.onConnect?.({ attempt, cursor })
      const { data, error, response } = await open(client, options, cursor)
      if (!response.ok || !data) {
        const failure = StrataError.from(response, error)
        if (isFinal(failure.status)) throw failure
        if (failure.retryAfter !== undefined) waitMs = failure.retryAfter * 1000
      } else {
        for await (const frame of sseFrames(data)) {
          if (frame.retry !== undefined) client.retryMs = frame.retry
          if (frame.event === 'change') {
            const change = JSON.parse(frame.data) as Change
            // A stream never repeats itself; a reconnect resumes strictly after what was yielded.
            if (cursor && cursor !== 'now' && change.cursor <= cursor) continue
            cursor = change.cursor
            attempt = 0
            yield change
          } else if (frame.event === 'offset') {
            const { cursor: offset } = JSON.parse(frame.data) as { cursor: string }
            if (!cursor || cursor === 'now' || offset > cursor) cursor = offset
            attempt = 0
          }
        }
      }
    } catch (error) {
      if (error instanceof StrataError || signal?.aborted) throw signal?.aborted ? signal.reason : error
      // A dropped connection or a server that is not up yet: reconnect below.
    }
    await sleep(waitMs ?? reconnectDelay(client.retryMs, attempt++, maxDelayMs), signal)
  }
}

/** Everything after `from` as one answer (`?live=catchup`), and the cursor to continue from. */
export async function catchUp(client: StrataClient, options: Pick<StreamOptions, 'from' | 'tenantId'> = {}): Promise<{ changes: Change[]; cursor: string }> {
  const query = { live: 'catchup' as const, ...options.from ? { offset: options.from } : {} }
  const { data, error, response } = options.tenantId
    ? await client.api.GET('/public/{tenantId}/stream', { params: { path: { tenantId: options.tenantId }, query } })
    : await client.api.GET('/entities/app/stream', { params: { query } })
  if (!data) throw StrataError.from(response, error)
  return { changes: data.activities, cursor: data.cursor }
}
