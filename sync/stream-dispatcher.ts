import type { Activity, RowImage } from './activity.js'
import type { ActivityBus } from './activity-bus.js'
import type { SseConnection } from './sse-connection.js'
import { type ReadRules, type Subscriber, SubscriberRegistry, lostRow, mayRead } from './subscriber-registry.js'
import { TenantGate, type TenantStatusSource } from './tenant-gate.js'

/** Whose context a stream replays in; `app.activities_for` derives what that context may see. */
export type ReplayFilter =
  | { kind: 'user'; userId: string }
  | { kind: 'public'; tenantId: string }

export interface DispatcherDeps {
  bus: ActivityBus
  readAfter(cursor: string, limit: number, filter: ReplayFilter): Promise<Activity[]>
  /** The entities with a public read, and what one change is to its tenant's public view. */
  publicEntities: PublicEntities
  /** What plain members may read of each type (from the entity declarations). */
  readRule: ReadRules
  /** Is this row image in its entity's public view (its declared `publicRead`)? */
  isPublicRow(entityType: string, row: RowImage): boolean
  tenantStatus: TenantStatusSource
  onError(error: unknown): void
}

/**
 * A change to its tenant's public view: its row is readable there now (`shown`), the change took
 * the row out of it (`left`, whenever the stream connected), or neither (`hidden`: never sent).
 */
export type PublicVisibility = 'shown' | 'left' | 'hidden'

/** The public RLS view of the entities with a public read (from `app.entity_types`). */
export interface PublicEntities {
  visibility(activity: Activity): Promise<PublicVisibility>
}

interface PublicSubscriber {
  tenantId: string
  /** The client address, for the per-client cap on anonymous streams. */
  client: string
  connection: SseConnection
}

/** How a stream replays: which rows to read, and how each is shown (or not) to it. */
export interface Replay {
  filter: ReplayFilter
  view(activity: Activity): Promise<Activity | undefined>
}

/** A stream while it replays: live events wait here, then go out after the replay. */
interface Opening {
  buffered: Activity[]
}

const pageSize = 500

/** A change as a stream whose view its row left sees it: a `delete`, with nothing of the row as it is now. */
const leftView = (activity: Activity): Activity => ({ ...activity, action: 'delete', changedFields: null, data: undefined, stx: undefined })

/** Membership changes kept for streams still opening (a stream's own opening takes milliseconds). */
const rememberedMemberships = 1_000

/**
 * Routes every activity of the bus to the streams allowed to read it (SPEC §7), and opens new
 * streams with a gap-free, duplicate-free replay: a stream is registered (buffering live events)
 * before its replay reads the table, and after the replay only buffered events past the last
 * replayed cursor are sent. A suspended or archived tenant's changes go to no stream, and its
 * public streams end; a user's stream spans tenants, so it stays open without that tenant's changes.
 */
export class StreamDispatcher {
  readonly registry = new SubscriberRegistry()
  private readonly publicByTenant = new Map<string, Set<PublicSubscriber>>()
  private readonly publicByClient = new Map<string, number>()
  private readonly opening = new Map<SseConnection, Opening>()
  private publicQueue: Promise<void> = Promise.resolve()
  /** The latest membership changes routed, in bus order, and the cursor of the last one forgotten. */
  private recentMemberships: Activity[] = []
  private forgottenMembershipsUpTo: string | undefined
  readonly tenants: TenantGate
  replayed = 0

  constructor(private readonly deps: DispatcherDeps) {
    this.tenants = new TenantGate(deps.tenantStatus, {
      pass: (activity) => this.dispatch(activity),
      deactivated: (tenantId) => this.endPublic(tenantId),
      onError: deps.onError,
    })
    deps.bus.on('activity', (activity) => this.tenants.receive(activity))
  }

  get publicCount(): number {
    let n = 0
    for (const set of this.publicByTenant.values()) n += set.size
    return n
  }

  /** Public streams open from one client address. */
  publicCountFor(client: string): number {
    return this.publicByClient.get(client) ?? 0
  }

  private deliver(connection: SseConnection, activity: Activity): void {
    const opening = this.opening.get(connection)
    if (opening) opening.buffered.push(activity)
    else connection.change(activity)
  }

  private dispatch(activity: Activity): void {
    // Memberships are tracked whatever the tenant's status: it may become active again.
    this.registry.applyMembership(activity)
    if (activity.entityType === 'membership') this.rememberMembership(activity)
    if (!this.tenants.isActive(activity.tenantId)) return
    const rule = this.deps.readRule(activity.entityType)
    for (const subscriber of this.registry.recipients(activity, rule)) this.deliver(subscriber.connection, activity)
    const formerOwners = this.registry.formerOwners(activity, rule)
    if (formerOwners.length > 0) {
      const left = leftView(activity)
      for (const subscriber of formerOwners) this.deliver(subscriber.connection, left)
    }
    if (this.publicByTenant.has(activity.tenantId)) {
      // Visibility needs a query; a chain keeps public events in bus order.
      this.publicQueue = this.publicQueue.then(() => this.dispatchPublic(activity)).catch(this.deps.onError)
    }
  }

  /**
   * The public view of a change: the change while its row is public, a delete when it left the
   * view. Its `data` and `changedFields` only when the row as changed was public itself: a row
   * made public later must not show what it held, or which fields changed, while private.
   */
  private async publicView(activity: Activity): Promise<Activity | undefined> {
    const visibility = await this.deps.publicEntities.visibility(activity)
    if (visibility === 'shown') {
      return activity.row && this.deps.isPublicRow(activity.entityType, activity.row)
        ? activity
        : { ...activity, data: undefined, stx: undefined, changedFields: null }
    }
    if (visibility === 'left') return leftView(activity)
    return undefined
  }

  private async dispatchPublic(activity: Activity): Promise<void> {
    const subscribers = this.publicByTenant.get(activity.tenantId)
    if (!subscribers?.size) return
    const view = await this.publicView(activity)
    if (!view) return
    for (const subscriber of subscribers) this.deliver(subscriber.connection, view)
  }

  /** What a user's stream replays: the rule of `mayRead` (and deletes of rows it lost), narrowed in SQL first. */
  userReplay(subject: Pick<Subscriber, 'userId' | 'isSystemAdmin' | 'organizations'>): Replay {
    return {
      filter: { kind: 'user', userId: subject.userId },
      view: async (a) => {
        const rule = this.deps.readRule(a.entityType)
        if (mayRead(subject, a, rule)) return a
        return lostRow(subject, a, rule) ? leftView(a) : undefined
      },
    }
  }

  /** What a public stream replays: changes of rows that are public now, deletes of rows that left the view. */
  publicReplay(tenantId: string): Replay {
    return {
      filter: { kind: 'public', tenantId },
      view: (a) => this.publicView(a),
    }
  }

  /**
   * Where a read of a user's memberships for a stream starts: taken before the read, handed to
   * `openUser` with what it read. A membership change routed between the read and the stream's
   * registration reached no stream of theirs; `openUser` applies it.
   */
  membershipFence(): string {
    return this.deps.bus.cursor
  }

  private rememberMembership(activity: Activity): void {
    this.recentMemberships.push(activity)
    if (this.recentMemberships.length < 2 * rememberedMemberships) return
    const forgotten = this.recentMemberships.splice(0, this.recentMemberships.length - rememberedMemberships)
    this.forgottenMembershipsUpTo = forgotten.at(-1)!.cursor
  }

  /**
   * Registers a user's stream, replays after `cursor` (unless 'now'), then goes live.
   * `subscriber.organizations` was read after `membershipFence()` returned `fence`: membership
   * changes routed since are applied to it in bus order (one the read already saw converges to
   * the same state). When some of them are no longer remembered, the stream ends at once and the
   * client reconnects (it has been sent nothing).
   */
  async openUser(subscriber: Subscriber, cursor: string | 'now', fence: string): Promise<void> {
    subscriber.connection.onClose = () => this.registry.remove(subscriber)
    await this.open(subscriber.connection, cursor, this.userReplay(subscriber), () => {
      this.registry.add(subscriber)
      if (this.forgottenMembershipsUpTo !== undefined && fence < this.forgottenMembershipsUpTo) return subscriber.connection.end('server')
      for (const activity of this.recentMemberships) {
        if (activity.cursor > fence && activity.userId === subscriber.userId) this.registry.applyMembership(activity, subscriber)
      }
    })
  }

  /** Registers a public stream of one tenant's public rows, opened from `client` (an address). */
  async openPublic(tenantId: string, client: string, connection: SseConnection, cursor: string | 'now'): Promise<void> {
    // The guard saw the tenant active; if it has just stopped being so, the stream ends at once.
    if (!this.tenants.isActive(tenantId)) return connection.end('server')
    const subscriber: PublicSubscriber = { tenantId, client, connection }
    connection.onClose = () => {
      const set = this.publicByTenant.get(tenantId)
      set?.delete(subscriber)
      if (set?.size === 0) this.publicByTenant.delete(tenantId)
      const left = this.publicCountFor(client) - 1
      if (left > 0) this.publicByClient.set(client, left)
      else this.publicByClient.delete(client)
    }
    await this.open(connection, cursor, this.publicReplay(tenantId), () => {
      const set = this.publicByTenant.get(tenantId) ?? new Set<PublicSubscriber>()
      set.add(subscriber)
      this.publicByTenant.set(tenantId, set)
      this.publicByClient.set(client, this.publicCountFor(client) + 1)
    })
  }

  /** One page of a replay after `cursor`: what the stream may see, and where the page ended. */
  async catchUp(replay: Replay, cursor: string, limit = pageSize): Promise<{ activities: Activity[]; cursor: string; complete: boolean }> {
    const page = await this.deps.readAfter(cursor, limit, replay.filter)
    const activities: Activity[] = []
    for (const activity of page) {
      if (!this.tenants.isActive(activity.tenantId)) continue
      const shown = await replay.view(activity)
      if (shown) activities.push(shown)
    }
    return { activities, cursor: page.at(-1)?.cursor ?? cursor, complete: page.length < limit }
  }

  private async open(connection: SseConnection, cursor: string | 'now', replay: Replay, register: () => void): Promise<void> {
    const opening: Opening = { buffered: [] }
    this.opening.set(connection, opening)
    register()
    let last = cursor === 'now' ? this.deps.bus.cursor : cursor
    try {
      if (cursor !== 'now') {
        for (;;) {
          const page = await this.catchUp(replay, last)
          last = page.cursor
          for (const activity of page.activities) {
            // Awaited only when the client is behind: a page that fits goes out as one batch.
            const room = connection.ready()
            if (room) await room
            connection.change(activity)
          }
          this.replayed += page.activities.length
          if (page.complete || connection.closed) break
        }
      }
      connection.offset(last)
    } finally {
      this.opening.delete(connection)
    }
    for (const activity of opening.buffered) if (activity.cursor > last) connection.change(activity)
  }

  /** Ends a user's streams (e.g. their system role changed): they reconnect, under their new status. */
  endUser(userId: string): void {
    for (const subscriber of this.registry.of(userId)) subscriber.connection.end('server')
  }

  /** Ends the public streams of a tenant that stopped being active (reconnecting, they get 404). */
  private endPublic(tenantId: string): void {
    for (const subscriber of this.publicByTenant.get(tenantId) ?? []) subscriber.connection.end('server')
  }

  /** Every open stream (user and public), e.g. to end them at shutdown. */
  connections(): SseConnection[] {
    return [...this.registry.all().map((s) => s.connection), ...[...this.publicByTenant.values()].flatMap((set) => [...set].map((s) => s.connection))]
  }
}
