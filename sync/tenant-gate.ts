import type { Activity } from './activity.js'
import { backoffDelay, sleep } from './backoff.js'

/** Where tenant statuses are read (the tenants table). */
export interface TenantStatusSource {
  /** Ids of every tenant that is not active. */
  inactive(): Promise<string[]>
  /** Is this tenant active now (false when it does not exist)? */
  isActive(tenantId: string): Promise<boolean>
}

export interface TenantGateHandlers {
  /** Receives each activity, in bus order, once its tenant's status is known. */
  pass(activity: Activity): void
  /** A tenant stopped being active. */
  deactivated(tenantId: string): void
  onError(error: unknown): void
}

/**
 * Which tenants are suspended or archived (SPEC §7: their changes reach no stream), kept current
 * from the tenant changes on the bus. Activities pass through in bus order; after a tenant's
 * change, every later activity waits until that tenant's status has been read, so nothing a
 * just-suspended tenant writes slips out in between. The statuses of all tenants are read once
 * at the start, before anything passes.
 */
export class TenantGate {
  private readonly inactive = new Set<string>()
  /** Activities waiting for a status read, in bus order; undefined while none is pending. */
  private backlog: Activity[] | undefined = []
  private readonly stopped = new AbortController()

  constructor(private readonly source: TenantStatusSource, private readonly handlers: TenantGateHandlers) {
    void this.drain(async () => { for (const id of await source.inactive()) this.inactive.add(id) })
  }

  /** Ends status reads still being retried (at shutdown). */
  stop(): void {
    this.stopped.abort()
  }

  isActive(tenantId: string): boolean {
    return !this.inactive.has(tenantId)
  }

  receive(activity: Activity): void {
    if (this.backlog) this.backlog.push(activity)
    else if (activity.entityType === 'tenant') {
      this.backlog = [activity]
      void this.drain()
    } else this.handlers.pass(activity)
  }

  private async drain(first?: () => Promise<void>): Promise<void> {
    if (first) await this.retrying(first)
    const backlog = this.backlog!
    // Indexed, not shift(): a bulk import may queue tens of thousands behind one read.
    for (let i = 0; i < backlog.length; i++) {
      const activity = backlog[i]!
      if (activity.entityType === 'tenant') await this.retrying(() => this.refresh(activity.entityId))
      this.handlers.pass(activity)
    }
    this.backlog = undefined
  }

  private async refresh(tenantId: string): Promise<void> {
    if (await this.source.isActive(tenantId)) {
      this.inactive.delete(tenantId)
    } else if (!this.inactive.has(tenantId)) {
      this.inactive.add(tenantId)
      this.handlers.deactivated(tenantId)
    }
  }

  /** A status read is retried until it succeeds: guessing either way would leak or cut streams. */
  private async retrying(read: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.stopped.signal.aborted; attempt++) {
      try {
        return await read()
      } catch (err) {
        this.handlers.onError(err)
        await sleep(backoffDelay(attempt), this.stopped.signal)
      }
    }
  }
}
