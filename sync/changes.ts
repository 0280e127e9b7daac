import type { Pgoutput } from 'pg-logical-replication'
import type { Action, EntityType } from './activity.js'

/** A decoded row change, before it has a cursor and a sequence number. */
export interface Change {
  action: Action
  entityType: EntityType
  entityId: string
  tenantId: string
  organizationId: string | null
  userId: string | null
  changedFields: string[] | null
}

const entityTypes: Record<string, EntityType> = {
  tenants: 'tenant',
  organizations: 'organization',
  memberships: 'membership',
  inactive_memberships: 'invitation',
  pages: 'page',
  attachments: 'attachment',
}

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
// Bookkeeping columns are not "changes" a client acts on.
const ignored = new Set(['updated_at'])

function changedColumns(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(after)
    .filter((column) => !ignored.has(column) && JSON.stringify(before[column]) !== JSON.stringify(after[column]))
    .map(camel)
}

/** Maps a pgoutput insert/update/delete of a synced table to a Change; anything else → null. */
export function toChange(message: Pgoutput.Message): Change | null {
  if (message.tag !== 'insert' && message.tag !== 'update' && message.tag !== 'delete') return null
  const entityType = entityTypes[message.relation.name]
  if (!entityType || message.relation.schema !== 'public') return null
  const row = (message.tag === 'delete' ? message.old ?? message.key : message.new) as Record<string, unknown> | null
  if (!row) return null
  const isTenant = entityType === 'tenant'
  const isOrganization = entityType === 'organization'
  return {
    action: message.tag === 'insert' ? 'create' : message.tag,
    entityType,
    entityId: String(row.id),
    tenantId: String(isTenant ? row.id : row.tenant_id),
    organizationId: isTenant ? null : String(isOrganization ? row.id : row.organization_id),
    userId: entityType === 'membership' || entityType === 'invitation' ? (row.user_id as string | null) ?? null : null,
    changedFields: message.tag === 'update' && message.old ? changedColumns(message.old, message.new) : null,
  }
}

/** "16/B374D848" → "00000016B374D848": fixed width, so cursors sort as strings in LSN order. */
export function lsnToHex(lsn: string): string {
  const [high = '0', low = '0'] = lsn.split('/')
  return high.padStart(8, '0') + low.padStart(8, '0')
}

/** The cursor of the n-th change of the transaction that committed at `commitLsn`. */
export const cursorOf = (commitLsn: string, position: number): string =>
  `${lsnToHex(commitLsn)}-${position.toString(16).padStart(6, '0')}`
