import pg from 'pg'
import type { AnyEntity } from '../entities/definition.js'
import { stxOf } from '../entities/field-versions.js'
import { type Activity, type ActivityRow, type RowImage, toActivity } from './activity.js'

/** Column → type OID of one table of the `public` schema (from the catalog). */
export type ColumnTypeReader = (table: string) => Promise<Map<string, number>>

const timestampTypes = new Set([1114, 1184])
// The driver reads int8 and numeric as strings; `to_jsonb` writes them as numbers.
const numericTextTypes = new Set([20, 1700])
const dateType = 1082
const byteaType = 17

/**
 * A stored JSON value as the driver would have read the column: what `toDto` expects. The change
 * log holds JSON (`to_jsonb`, or the worker's decoded WAL row), whose timestamps, int8s and byteas
 * differ from the driver's values; `undefined`: a type whose JSON is the driver's value.
 */
function driverValueOf(type: number): ((value: unknown) => unknown) | undefined {
  if (timestampTypes.has(type)) return (value) => (typeof value === 'string' ? new Date(value) : value)
  if (type === dateType || type === byteaType) {
    const parse = pg.types.getTypeParser(type)
    return (value) => (typeof value === 'string' ? parse(value) : value)
  }
  if (numericTextTypes.has(type)) return (value) => (typeof value === 'number' ? String(value) : value)
  return undefined
}

/** One table's columns, and how to read back those whose JSON differs from the driver's value. */
class TableColumns {
  private readonly known: Set<string>
  private readonly conversions: Array<[column: string, convert: (value: unknown) => unknown]> = []

  constructor(types: Map<string, number>) {
    this.known = new Set(types.keys())
    for (const [column, type] of types) {
      const convert = driverValueOf(type)
      if (convert) this.conversions.push([column, convert])
    }
  }

  /** Does the image name only columns the table had when they were read? */
  covers(row: RowImage): boolean {
    for (const column in row) if (!this.known.has(column)) return false
    return true
  }

  /** Converts `row` (freshly parsed, ours to change) in place. */
  revive(row: RowImage): RowImage {
    for (const [column, convert] of this.conversions) {
      const value = row[column]
      if (value !== null && value !== undefined) row[column] = convert(value)
    }
    return row
  }
}

/**
 * Turns activities read from the change log into what streams send: each row image of a
 * registered entity read back with the column types of its table (read once per table, again
 * when a row shows a column added since), and, for a create or update, the entity's DTO: the
 * event's `data` (SPEC §7), with `stx` for entities with field versions. Types this instance has
 * no declaration of get no `data`.
 */
export class RowPayloads {
  private readonly columns = new Map<string, Promise<TableColumns>>()

  constructor(
    private readonly entities: { get(type: string): AnyEntity | undefined },
    private readonly readColumnTypes: ColumnTypeReader,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {}

  async toActivities(rows: readonly ActivityRow[]): Promise<Activity[]> {
    const activities = rows.map(toActivity)
    const tables = new Set<string>()
    for (const activity of activities) {
      const entity = activity.row && this.entities.get(activity.entityType)
      if (entity) tables.add(entity.table)
    }
    const reloaded = new Set<string>()
    const types = new Map(await Promise.all([...tables].map(async (table) => [table, await this.columnTypes(table)] as const)))
    for (const activity of activities) {
      const entity = activity.row && this.entities.get(activity.entityType)
      if (!entity) continue
      let columns = types.get(entity.table)!
      // A column added since the types were read: read them again (once per table and page; a
      // column dropped since the change was recorded stays unknown, and is left as stored).
      if (!columns.covers(activity.row!) && !reloaded.has(entity.table)) {
        reloaded.add(entity.table)
        columns = await this.columnTypes(entity.table, true)
        types.set(entity.table, columns)
      }
      activity.row = columns.revive(activity.row!)
      if (activity.action === 'delete') continue
      Object.assign(activity, this.payload(entity, activity))
    }
    return activities
  }

  private columnTypes(table: string, reload = false): Promise<TableColumns> {
    let types = reload ? undefined : this.columns.get(table)
    if (!types) {
      types = this.readColumnTypes(table).then((read) => new TableColumns(read))
      types.catch(() => this.columns.delete(table))
      this.columns.set(table, types)
    }
    return types
  }

  /** The event's `data` and `stx`; none for a row image that does not fit (the change log must keep flowing). */
  private payload(entity: AnyEntity, activity: Activity): Pick<Activity, 'data' | 'stx'> {
    try {
      return { data: entity.toDto(activity.row), stx: stxOf(entity, activity.row!) }
    } catch (err) {
      // A row image its declaration cannot read (a column since renamed): the event goes without it.
      this.log.warn({ err, entityType: activity.entityType, cursor: activity.cursor }, 'a change\'s row image does not fit its entity\'s DTO')
      return {}
    }
  }
}
