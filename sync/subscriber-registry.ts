import type { ActivityMessage } from './activity.js'
import type { SseConnection } from './sse-connection.js'

/** A signed-in user's stream and what they may read, kept current by membership events. */
export interface Subscriber {
  userId: string
  isSystemAdmin: boolean
  organizations: Set<string>
  connection: SseConnection
}

const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key) ?? new Set<V>()
  set.add(value)
  map.set(key, set)
}
const remove = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
  const set = map.get(key)
  set?.delete(value)
  if (set?.size === 0) map.delete(key)
}

/**
 * Open streams indexed by organization and by user, so routing a change costs O(recipients),
 * not O(connections). Membership changes update the index as they stream by, so a removed
 * member stops receiving that organization's changes from the very next event on.
 */
export class SubscriberRegistry {
  private readonly byOrganization = new Map<string, Set<Subscriber>>()
  private readonly byUser = new Map<string, Set<Subscriber>>()
  private readonly systemAdmins = new Set<Subscriber>()

  get size(): number {
    let n = 0
    for (const set of this.byUser.values()) n += set.size
    return n
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0
  }

  add(subscriber: Subscriber): void {
    add(this.byUser, subscriber.userId, subscriber)
    for (const org of subscriber.organizations) add(this.byOrganization, org, subscriber)
    if (subscriber.isSystemAdmin) this.systemAdmins.add(subscriber)
  }

  remove(subscriber: Subscriber): void {
    remove(this.byUser, subscriber.userId, subscriber)
    for (const org of subscriber.organizations) remove(this.byOrganization, org, subscriber)
    this.systemAdmins.delete(subscriber)
  }

  /** Applies a membership change to the index (before the change itself is routed). */
  applyMembership(activity: ActivityMessage): void {
    if (activity.entityType !== 'membership' || !activity.userId || !activity.organizationId) return
    const org = activity.organizationId
    for (const subscriber of this.byUser.get(activity.userId) ?? []) {
      if (activity.action === 'create' && !subscriber.organizations.has(org)) {
        subscriber.organizations.add(org)
        add(this.byOrganization, org, subscriber)
      } else if (activity.action === 'delete' && subscriber.organizations.has(org)) {
        subscriber.organizations.delete(org)
        remove(this.byOrganization, org, subscriber)
      }
    }
  }

  /** Who may read this change now: the org's members, the member concerned, system admins. */
  recipients(activity: ActivityMessage): Set<Subscriber> {
    const to = new Set<Subscriber>(this.systemAdmins)
    if (activity.organizationId) for (const s of this.byOrganization.get(activity.organizationId) ?? []) to.add(s)
    if (activity.userId && (activity.entityType === 'membership' || activity.entityType === 'invitation')) {
      for (const s of this.byUser.get(activity.userId) ?? []) to.add(s)
    }
    return to
  }

  all(): Subscriber[] {
    return [...this.byUser.values()].flatMap((set) => [...set])
  }
}

/** The same rule as `recipients`, for one subscriber replaying stored activities. */
export function mayRead(subscriber: Pick<Subscriber, 'userId' | 'isSystemAdmin' | 'organizations'>, activity: ActivityMessage): boolean {
  if (subscriber.isSystemAdmin) return true
  if (activity.userId === subscriber.userId && (activity.entityType === 'membership' || activity.entityType === 'invitation')) return true
  return activity.organizationId !== null && subscriber.organizations.has(activity.organizationId)
}
