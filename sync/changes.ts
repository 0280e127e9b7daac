import type { Pgoutput } from 'pg-logical-replication'
import type { Action, EntityType, RowImage } from './activity.js'

/** A decoded row change, before it has a cursor and a sequence number. */
export interface Change {
  action: Action
  entityType: EntityType
  entityId: string
  tenantId: string
  organizationId: string | null
  userId: string | null
  changedFields: string[] | null
  /** The row before an update or delete, and after an update: whether it left the public view. */
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  /** The row to keep with the activity (migration 0015): entities' and memberships' only. */
  row: RowImage | null
}

/** Strata's own types whose rows the change log does not keep (an invitation holds its token's hash). */
const withoutRowImage = new Set<EntityType>(['tenant', 'organization', 'invitation'])

/** Strata's own synced tables that are not org-scoped entities, and their activities' types. */
export const coreTableTypes: Readonly<Record<string, EntityType>> = {
  tenants: 'tenant',
  organizations: 'organization',
  memberships: 'membership',
  inactive_memberships: 'invitation',
}

/**
 * Table → entity type for the CDC worker, which does not load authors' code: Strata's own tables,
 * and every org-scoped entity of `app.entity_types` (written by `applyEntityIsolation`). Read at
 * start, and again when the stream names a table it does not know (an entity added since); a
 * table still unknown is reported once, not dropped in silence.
 */
export class EntityTables {
  private types = new Map(Object.entries(coreTableTypes))
  private readonly reported = new Set<string>()

  constructor(
    private readonly load: () => Promise<Array<{ table: string; type: string }>>,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {}

  async refresh(): Promise<void> {
    const entities = await this.load()
    this.types = new Map([...Object.entries(coreTableTypes), ...entities.map((e): [string, string] => [e.table, e.type])])
  }

  typeOf(schema: string, table: string): EntityType | undefined {
    return schema === 'public' ? this.types.get(table) : undefined
  }

  /** A relation message of the stream: learn a table added to the publication since the last read. */
  async relation(relation: Pick<Pgoutput.MessageRelation, 'schema' | 'name'>): Promise<void> {
    if (this.typeOf(relation.schema, relation.name)) return
    await this.refresh()
    const name = `${relation.schema}.${relation.name}`
    if (this.typeOf(relation.schema, relation.name) || this.reported.has(name)) return
    this.reported.add(name)
    this.log.warn({ table: name }, 'a published table is no entity of app.entity_types: its changes become no activities')
  }
}

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
// Bookkeeping columns are not "changes" a client acts on (field versions travel as `stx`).
const ignored = new Set(['updated_at', 'stx_versions', 'stx_mutation_id', 'stx_source_id'])

function changedColumns(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(after)
    .filter((column) => !ignored.has(column) && JSON.stringify(before[column]) !== JSON.stringify(after[column]))
    .map(camel)
}

/**
 * Maps a pgoutput insert/update/delete of a synced table to a Change; anything else → null.
 * Strata's own types have their own scopes; every entity is org-scoped (tenant_id, organization_id).
 */
export function toChange(message: Pgoutput.Message, tables: Pick<EntityTables, 'typeOf'>): Change | null {
  if (message.tag !== 'insert' && message.tag !== 'update' && message.tag !== 'delete') return null
  const entityType = tables.typeOf(message.relation.schema, message.relation.name)
  if (!entityType) return null
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
    before: message.tag === 'insert' ? null : message.old ?? null,
    after: message.tag === 'update' ? message.new : null,
    row: withoutRowImage.has(entityType) ? null : row,
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
