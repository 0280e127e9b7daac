import type { MembershipRole } from '../db/schema.js'
import type { MemberRule } from '../entities/definition.js'
import type { Activity } from './activity.js'
import { coreTableTypes } from './changes.js'
import type { SseConnection } from './sse-connection.js'

/** A signed-in user's stream and what they may read, kept current by membership events. */
export interface Subscriber {
  userId: string
  isSystemAdmin: boolean
  /** Organization → the user's role in it. */
  organizations: Map<string, MembershipRole>
  connection: SseConnection
}

/** What a plain member may read of an entity type (its declared `rules.read`; `true` for Strata's own types). */
export type ReadRules = (entityType: string) => MemberRule

const coreTypes = new Set(Object.values(coreTableTypes))

/**
 * The read rule of a type as this instance knows it: its declaration's (`true` by default), `true`
 * for Strata's own types, and admins only (`false`) for a type it has no declaration of (an
 * entity another instance registers): its rule may hide rows from members, even their ids.
 */
export function readRuleOf(entityType: string, declaration: { rules?: { read: MemberRule } } | undefined): MemberRule {
  if (declaration) return declaration.rules?.read ?? true
  return coreTypes.has(entityType)
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

  /** The streams of one user (a copy: ending one removes it from the index). */
  of(userId: string): Subscriber[] {
    return [...this.byUser.get(userId) ?? []]
  }

  add(subscriber: Subscriber): void {
    add(this.byUser, subscriber.userId, subscriber)
    for (const org of subscriber.organizations.keys()) add(this.byOrganization, org, subscriber)
    if (subscriber.isSystemAdmin) this.systemAdmins.add(subscriber)
  }

  remove(subscriber: Subscriber): void {
    remove(this.byUser, subscriber.userId, subscriber)
    for (const org of subscriber.organizations.keys()) remove(this.byOrganization, org, subscriber)
    this.systemAdmins.delete(subscriber)
  }

  /**
   * Applies a membership change to the index (before the change itself is routed). The role comes
   * from the membership's row image; without one (recorded before migration 0015) it is 'member',
   * the narrower view. `only`: to that one (registered) stream of the user, not all of theirs.
   */
  applyMembership(activity: Activity, only?: Subscriber): void {
    if (activity.entityType !== 'membership' || !activity.userId || !activity.organizationId) return
    const org = activity.organizationId
    const role = activity.row?.role === 'admin' ? 'admin' : 'member'
    for (const subscriber of only ? [only] : this.byUser.get(activity.userId) ?? []) {
      if (activity.action === 'create' && !subscriber.organizations.has(org)) {
        subscriber.organizations.set(org, role)
        add(this.byOrganization, org, subscriber)
      } else if (activity.action === 'update' && subscriber.organizations.has(org)) {
        subscriber.organizations.set(org, role)
      } else if (activity.action === 'delete' && subscriber.organizations.has(org)) {
        subscriber.organizations.delete(org)
        remove(this.byOrganization, org, subscriber)
      }
    }
  }

  /**
   * Who may read this change now: system admins, the member concerned, and the org's members —
   * all of them, or (`rule` other than `true`) its admins and, for `ownedBy`, the row's owner.
   */
  recipients(activity: Activity, rule: MemberRule = true): Set<Subscriber> {
    const to = new Set<Subscriber>(this.systemAdmins)
    if (activity.organizationId) {
      for (const s of this.byOrganization.get(activity.organizationId) ?? []) {
        if (rule === true || memberMayRead(s, activity, rule)) to.add(s)
      }
    }
    if (activity.userId && (activity.entityType === 'membership' || activity.entityType === 'invitation')) {
      for (const s of this.byUser.get(activity.userId) ?? []) to.add(s)
    }
    return to
  }

  /** The streams of the member this change took an owner-only row away from (`lostRow`). */
  formerOwners(activity: Activity, rule: MemberRule): Subscriber[] {
    if (activity.leftOwner === null) return []
    return [...this.byUser.get(activity.leftOwner) ?? []].filter((s) => lostRow(s, activity, rule))
  }

  all(): Subscriber[] {
    return [...this.byUser.values()].flatMap((set) => [...set])
  }
}

/** A member of the activity's organization under a read rule: admins always, members as the rule says. */
function memberMayRead(subscriber: Pick<Subscriber, 'userId' | 'organizations'>, activity: Activity, rule: MemberRule): boolean {
  const role = activity.organizationId === null ? undefined : subscriber.organizations.get(activity.organizationId)
  if (role === undefined) return false
  if (role === 'admin' || rule === true) return true
  // A delete's row image is the row before it: its owner learns that it is gone.
  return rule !== false && activity.row !== null && activity.row[rule.ownedBy] === subscriber.userId
}

/**
 * Did this change take an owner-only row out of the subscriber's view? They owned it until this
 * update (migration 0020), are still a member of its organization (a former member learns nothing
 * of it), and may not read it as it is now. They get a `delete`, without the row.
 */
export function lostRow(subscriber: Pick<Subscriber, 'userId' | 'isSystemAdmin' | 'organizations'>, activity: Activity, rule: MemberRule): boolean {
  return activity.leftOwner === subscriber.userId && activity.organizationId !== null
    && subscriber.organizations.has(activity.organizationId) && !mayRead(subscriber, activity, rule)
}

/** The same rule as `recipients`, for one subscriber replaying stored activities. */
export function mayRead(subscriber: Pick<Subscriber, 'userId' | 'isSystemAdmin' | 'organizations'>, activity: Activity, rule: MemberRule = true): boolean {
  if (subscriber.isSystemAdmin) return true
  if (activity.userId === subscriber.userId && (activity.entityType === 'membership' || activity.entityType === 'invitation')) return true
  return memberMayRead(subscriber, activity, rule)
}
