import { setTimeout } from 'node:timers/promises'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { type Activity, activitiesChannel, type RowImage, toActivity } from './activity.js'
import { type Change, coreTableTypes, cursorOf } from './changes.js'

const insertChunk = 2_000

export interface CommittedTransaction {
  commitLsn: string
  commitTime: Date
  changes: Change[]
}

const coreTypes = new Set(Object.values(coreTableTypes))

const json = (row: Record<string, unknown> | null) => (row ? JSON.stringify(row) : null)

/** Did the change take an entity's row out of its public view? Decided in SQL by the entity's `public_read`. */
function leftPublic(change: Change) {
  if (!change.before || coreTypes.has(change.entityType)) return false
  return sql<boolean>`app.left_public(${change.entityType}, ${json(change.before)}::jsonb, ${json(change.after)}::jsonb)`
}

/** The previous owner of an owner-only row the update moved to another (`app.left_owner`, from the entity's read rule), else null. */
function leftOwner(change: Change) {
  if (change.action !== 'update' || !change.before || coreTypes.has(change.entityType)) return null
  return sql<string | null>`app.left_owner(${change.entityType}, ${json(change.before)}::jsonb, ${json(change.after)}::jsonb)`
}

function byteaAsText(this: RowImage, key: string, value: unknown): unknown {
  const raw = this[key]
  return Buffer.isBuffer(raw) ? `\\x${raw.toString('hex')}` : value
}

/**
 * A row image as the jsonb column's text (a parameter the column parses: no SQL per row). Decoded
 * `bytea` goes back to Postgres's text form (`\\x…`), as `to_jsonb` writes it.
 */
function rowData(row: RowImage | null): string | null {
  if (!row) return null
  return Object.values(row).some((value) => Buffer.isBuffer(value)) ? JSON.stringify(row, byteaAsText) : JSON.stringify(row)
}

const foreignKeyViolation = '23503'
const visibilityRetries = [10, 20, 40, 80, 160]

/**
 * `persistTransaction`, waiting out one race: logical decoding sends a transaction once its commit
 * record is flushed, a moment before other sessions see it, so the foreign key of an activity to a
 * tenant that transaction created can fail while it is already committed. Such a failure is retried
 * briefly; one that outlasts the retries is thrown (the worker then restarts from its last LSN).
 */
export async function persistCommitted(db: Kysely<DB>, tx: CommittedTransaction, retries = visibilityRetries): Promise<Activity[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await persistTransaction(db, tx)
    } catch (error) {
      const delay = retries[attempt]
      if ((error as { code?: string }).code !== foreignKeyViolation || delay === undefined) throw error
      await setTimeout(delay)
    }
  }
}

/**
 * Writes a committed transaction's activities in one database transaction (SPEC §8):
 * ids derive from the commit LSN and the change's position, so a replay after a crash inserts
 * nothing (the transaction was all-or-nothing the first time). Each organization's `seq` comes
 * from `counters` (one upsert per organization), assigned once, only to new activities.
 * Returns the activities as stored, in commit order ([] for a replay).
 */
export async function persistTransaction(db: Kysely<DB>, tx: CommittedTransaction): Promise<Activity[]> {
  if (tx.changes.length === 0) return []
  const cursors = tx.changes.map((_, i) => cursorOf(tx.commitLsn, i))
  return db.transaction().execute(async (trx) => {
    const seen = await trx.selectFrom('activities').select('id').where('id', '=', cursors[0]!).executeTakeFirst()
    if (seen) return []

    const perOrg = new Map<string, number>()
    for (const change of tx.changes) {
      if (change.organizationId) perOrg.set(change.organizationId, (perOrg.get(change.organizationId) ?? 0) + 1)
    }
    // The next free sequence number of each organization, reserved for this batch.
    const next = new Map<string, number>()
    for (const [organizationId, count] of perOrg) {
      const { rows: [row] } = await sql<{ value: string }>`
        insert into counters (key, value) values (${`seq:org:${organizationId}`}, ${count})
        on conflict (key) do update set value = counters.value + excluded.value
        returning value`.execute(trx)
      next.set(organizationId, Number(row!.value) - count + 1)
    }

    const rows = tx.changes.map((change, i) => {
      const seq = change.organizationId ? next.get(change.organizationId)! : null
      if (change.organizationId) next.set(change.organizationId, seq! + 1)
      return {
        id: cursors[i]!,
        tenant_id: change.tenantId,
        organization_id: change.organizationId,
        user_id: change.userId,
        entity_type: change.entityType,
        entity_id: change.entityId,
        action: change.action,
        seq,
        changed_fields: change.changedFields,
        created_at: tx.commitTime,
        left_public: leftPublic(change),
        left_owner: leftOwner(change),
        row_data: rowData(change.row),
      }
    })
    // Postgres takes at most 65,535 parameters per statement: insert large transactions in chunks
    // (still one database transaction, so all-or-nothing holds).
    const inserted = []
    for (let at = 0; at < rows.length; at += insertChunk) {
      inserted.push(...await trx.insertInto('activities').values(rows.slice(at, at + insertChunk))
        // No conflict target: a partitioned change log's unique key is (id, created_at), and a
        // replay carries the same commit time, so it conflicts in the same partition either way.
        .onConflict((oc) => oc.doNothing()).returningAll().execute())
    }
    // Delivered at commit: wakes every API instance's bus, whichever one the worker pushes to.
    await sql`select pg_notify(${activitiesChannel}, ${cursors.at(-1)!})`.execute(trx)
    return inserted.sort((a, b) => (a.id < b.id ? -1 : 1)).map(toActivity)
  })
}
