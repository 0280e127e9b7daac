import { EventEmitter } from 'node:events'
import { setImmediate } from 'node:timers/promises'
import type { StrataEntities } from '../entities/definition.js'
import { type Action, type Activity, type EntityType, maxIngestBatch } from './activity.js'

type Past = 'created' | 'updated' | 'deleted'
const past: Record<Action, Past> = { create: 'created', update: 'updated', delete: 'deleted' }

export type ActivityEventName = `${EntityType}.${Past}`

/**
 * A change of an entity of type `T` (`entityType` is `T`), with its DTO as `data` (a create or
 * update) typed from `StrataEntities`.
 */
export type EntityActivity<T extends string> = Activity & {
  entityType: T
  data?: T extends keyof StrataEntities ? StrataEntities[T] : unknown
}

/** `task.created` …: typed for every entity type an author adds to `StrataEntities`. */
type EntityEvents = { [K in keyof StrataEntities & string as `${K}.${Past}`]: [EntityActivity<K>] }

/** Typed events: `page.created`, `membership.deleted`, …, every `activity`, and `gap`. */
export type ActivityBusEvents = { [K in ActivityEventName]: [Activity] } & EntityEvents & {
  activity: [Activity]
  /** The bus lost its sources for a while: anything derived from changes may be stale. */
  gap: []
  /** A cache key another instance (or this one) invalidated, e.g. `session:<hash>`. */
  invalidate: [key: string]
}

const publishSlice = 200

export type ActivityReader = (afterCursor: string, limit: number) => Promise<Activity[]>

/**
 * The API's ordered feed of committed changes (SPEC §8). It publishes every activity exactly
 * once, in cursor order, and only as read from the activities table: a CDC batch, a NOTIFY or a
 * restart is merely a reason to read the table after the cursor, so no message can make the bus
 * publish (and streams act on) a change the database does not hold. Reads are serialized.
 */
export class ActivityBus extends EventEmitter<ActivityBusEvents> {
  private queue: Promise<void> = Promise.resolve()
  /** A catch-up waiting for its turn: later wake-ups join it (it reads everything they would). */
  private waiting: Promise<void> | undefined
  /** The cursor that catch-up must reach: undefined if some wake-up announced none (it reads). */
  private waitingFor: string | undefined
  published = 0

  // Pages as large as an ingest message: a bulk import costs as few reads as it has messages.
  constructor(private readonly read: ActivityReader, public cursor: string, private readonly pageSize = maxIngestBatch) {
    super()
    this.setMaxListeners(0)
  }

  /**
   * Reads and publishes everything committed after the bus's cursor. With `upTo` (the last cursor
   * a wake-up announces), nothing is read once the bus has published that far: each commit wakes
   * it twice (its NOTIFY and its CDC batch), and a second read would only compete with the
   * delivery of the first.
   */
  catchUp(upTo?: string): Promise<void> {
    if (upTo && upTo <= this.cursor) return Promise.resolve()
    if (this.waiting) {
      // The waiting catch-up now also answers this wake-up: it reads unless both are reached.
      if (this.waitingFor !== undefined) this.waitingFor = upTo && upTo < this.waitingFor ? this.waitingFor : upTo || undefined
      return this.waiting
    }
    this.waitingFor = upTo || undefined
    const run = this.queue.then(() => {
      this.waiting = undefined
      if (this.waitingFor !== undefined && this.waitingFor <= this.cursor) return
      return this.readMissing()
    })
    this.waiting = run
    this.queue = run.catch(() => {})
    return run
  }

  private async readMissing(): Promise<void> {
    for (;;) {
      const page = await this.read(this.cursor, this.pageSize)
      await this.publishAll(page)
      if (page.length < this.pageSize) break
    }
  }

  /** Announces that the bus was cut off from its sources; listeners drop derived state. */
  markGap(): void {
    this.emit('gap')
  }

  /**
   * Publishes in slices, yielding to the event loop between them: a large transaction (a bulk
   * import) then reaches the streams' sockets as they drain, instead of as one burst that
   * would overflow every stream's buffer and drop readers that keep up perfectly well.
   */
  private async publishAll(activities: readonly Activity[]): Promise<void> {
    for (let i = 0; i < activities.length; i++) {
      if (i > 0 && i % publishSlice === 0) await setImmediate()
      this.publish(activities[i]!)
    }
  }

  private publish(activity: Activity): void {
    if (activity.cursor <= this.cursor) return
    this.cursor = activity.cursor
    this.published++
    this.emit('activity', activity)
    this.emit(`${activity.entityType}.${past[activity.action]}`, activity)
  }
}
