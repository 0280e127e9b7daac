import type { ActivityMessage } from './activity.js'
import type { ActivityBus } from './activity-bus.js'
import type { SseConnection } from './sse-connection.js'
import { type Subscriber, SubscriberRegistry, mayRead } from './subscriber-registry.js'

/** Whose context a stream replays in; `app.activities_for` derives what that context may see. */
export type ReplayFilter =
  | { kind: 'user'; userId: string }
  | { kind: 'public'; tenantId: string }

export interface DispatcherDeps {
  bus: ActivityBus
  readAfter(cursor: string, limit: number, filter: ReplayFilter): Promise<ActivityMessage[]>
  /** Is this page published with public access right now (public RLS context)? */
  pageIsPublic(tenantId: string, pageId: string): Promise<boolean>
  onError(error: unknown): void
}

interface PublicSubscriber {
  tenantId: string
  connection: SseConnection
}

/** How a stream replays: which rows to read, and how each is shown (or not) to it. */
export interface Replay {
  filter: ReplayFilter
  view(activity: ActivityMessage): Promise<ActivityMessage | undefined>
}

/** A stream while it replays: live events wait here, then go out after the replay. */
interface Opening {
  buffered: ActivityMessage[]
}

const pageSize = 500

/**
 * Routes every activity of the bus to the streams allowed to read it (SPEC §7), and opens new
 * streams with a gap-free, duplicate-free replay: a stream is registered (buffering live events)
 * before its replay reads the table, and after the replay only buffered events past the last
 * replayed cursor are sent.
 */
export class StreamDispatcher {
  readonly registry = new SubscriberRegistry()
  private readonly publicByTenant = new Map<string, Set<PublicSubscriber>>()
  private readonly opening = new Map<SseConnection, Opening>()
  /** Per tenant: pages public streams have seen as public (so a flip to private sends a delete). */
  private readonly knownPublic = new Map<string, Set<string>>()
  private publicQueue: Promise<void> = Promise.resolve()
  replayed = 0

  constructor(private readonly deps: DispatcherDeps) {
    deps.bus.on('activity', (activity) => this.dispatch(activity))
  }

  get publicCount(): number {
    let n = 0
    for (const set of this.publicByTenant.values()) n += set.size
    return n
  }

  private deliver(connection: SseConnection, activity: ActivityMessage): void {
    const opening = this.opening.get(connection)
    if (opening) opening.buffered.push(activity)
    else connection.change(activity)
  }

  private dispatch(activity: ActivityMessage): void {
    for (const subscriber of this.registry.recipients(activity)) this.deliver(subscriber.connection, activity)
    if (activity.entityType === 'page' && this.publicByTenant.has(activity.tenantId)) {
      // Visibility needs a query; a chain keeps public events in bus order.
      this.publicQueue = this.publicQueue.then(() => this.dispatchPublic(activity)).catch(this.deps.onError)
    }
  }

  /** The public view of a page change: a change while public, a delete when it stops being public. */
  private async publicView(activity: ActivityMessage): Promise<ActivityMessage | undefined> {
    const known = this.knownPublic.get(activity.tenantId) ?? new Set<string>()
    this.knownPublic.set(activity.tenantId, known)
    const visible = activity.action !== 'delete' && await this.deps.pageIsPublic(activity.tenantId, activity.entityId)
    if (visible) {
      known.add(activity.entityId)
      return activity
    }
    if (!known.delete(activity.entityId)) return undefined
    return { ...activity, action: 'delete', changedFields: null }
  }

  private async dispatchPublic(activity: ActivityMessage): Promise<void> {
    const subscribers = this.publicByTenant.get(activity.tenantId)
    if (!subscribers?.size) return
    const view = await this.publicView(activity)
    if (!view) return
    for (const subscriber of subscribers) this.deliver(subscriber.connection, view)
  }

  /** What a user's stream replays: the rule of `mayRead`, narrowed in SQL first. */
  userReplay(subject: Pick<Subscriber, 'userId' | 'isSystemAdmin' | 'organizations'>): Replay {
    return {
      filter: { kind: 'user', userId: subject.userId },
      view: async (a) => (mayRead(subject, a) ? a : undefined),
    }
  }

  /** What a public stream replays: changes of pages that are public now. */
  publicReplay(tenantId: string): Replay {
    return {
      filter: { kind: 'public', tenantId },
      view: async (a) => (a.action !== 'delete' && await this.deps.pageIsPublic(tenantId, a.entityId) ? a : undefined),
    }
  }

  /** Registers a user's stream, replays after `cursor` (unless 'now'), then goes live. */
  async openUser(subscriber: Subscriber, cursor: string | 'now'): Promise<void> {
    subscriber.connection.onClose = () => this.registry.remove(subscriber)
    await this.open(subscriber.connection, cursor, this.userReplay(subscriber), () => this.registry.add(subscriber))
  }

  /** Registers a public stream of one tenant's public pages. */
  async openPublic(tenantId: string, connection: SseConnection, cursor: string | 'now'): Promise<void> {
    const subscriber: PublicSubscriber = { tenantId, connection }
    connection.onClose = () => {
      const set = this.publicByTenant.get(tenantId)
      set?.delete(subscriber)
      if (set?.size === 0) this.publicByTenant.delete(tenantId)
    }
    await this.open(connection, cursor, this.publicReplay(tenantId), () => {
      const set = this.publicByTenant.get(tenantId) ?? new Set<PublicSubscriber>()
      set.add(subscriber)
      this.publicByTenant.set(tenantId, set)
    })
  }

  /** One page of a replay after `cursor`: what the stream may see, and where the page ended. */
  async catchUp(replay: Replay, cursor: string, limit = pageSize): Promise<{ activities: ActivityMessage[]; cursor: string; complete: boolean }> {
    const page = await this.deps.readAfter(cursor, limit, replay.filter)
    const activities: ActivityMessage[] = []
    for (const activity of page) {
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
            await connection.ready()
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

  /** Every open stream (user and public), e.g. to end them at shutdown. */
  connections(): SseConnection[] {
    return [...this.registry.all().map((s) => s.connection), ...[...this.publicByTenant.values()].flatMap((set) => [...set].map((s) => s.connection))]
  }
}
