/** Exponential backoff with full jitter: a random delay in [0, min(cap, base · 2^attempt)]. */
export function backoffDelay(attempt: number, baseMs = 250, capMs = 15_000): number {
  return Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** attempt))
}

export const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})
