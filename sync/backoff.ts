/** Exponential backoff with full jitter: a random delay in [0, min(cap, base · 2^attempt)]. */
export function backoffDelay(attempt: number, baseMs = 250, capMs = 15_000): number {
  return Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** attempt))
}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind either way. */
export const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const done = () => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', done)
    resolve()
  }
  const timer = setTimeout(done, ms)
  signal?.addEventListener('abort', done, { once: true })
})
