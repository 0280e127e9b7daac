/**
 * Request coalescing: concurrent calls with the same key share one execution of `work`.
 * Every waiter gets the same result or the same error; the key is free again once it settles.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>()
  /** Calls that joined an execution already in flight. */
  shared = 0

  /** Runs (or joins) `work` for `key`; `coalesced` says whether this call joined another. */
  async run(key: string, work: () => Promise<T>): Promise<{ value: T; coalesced: boolean }> {
    const existing = this.inFlight.get(key)
    if (existing) {
      this.shared++
      return { value: await existing, coalesced: true }
    }
    const promise = work().finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, promise)
    return { value: await promise, coalesced: false }
  }

  get size(): number {
    return this.inFlight.size
  }
}
