/**
 * The JSON Schema of a response as fast-json-stringify needs it to write the response: what only
 * validation reads is dropped, and a union of plain types becomes a type list. zod writes a
 * nullable string as `anyOf: [{ type: 'string', format: 'uuid', pattern }, { type: 'null' }]`, for
 * which fast-json-stringify runs an Ajv validator (the pattern included) on every value to pick the
 * branch: most of an entity list's serialization in the profile. `type: ['string', 'null']`
 * writes the same JSON without it. Which properties are written does not change.
 */
export function serializationSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializationSchema)
  if (typeof schema !== 'object' || schema === null) return schema
  const out: Record<string, unknown> = {}
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'pattern') continue
    if (literalKeywords.has(keyword)) out[keyword] = value
    else if (schemaMaps.has(keyword)) out[keyword] = mapValues(value, serializationSchema)
    else out[keyword] = serializationSchema(value)
  }
  const branches = out.anyOf
  if (Array.isArray(branches) && branches.length > 1 && branches.every(isPlainType)) {
    delete out.anyOf
    out.type = [...new Set(branches.flatMap((branch) => [(branch as { type: string | string[] }).type].flat()))]
  }
  return out
}

/** Keywords whose value is data, not a schema. */
const literalKeywords = new Set(['enum', 'const', 'default', 'examples', 'example', 'required', 'type'])
/** Keywords whose value maps names to schemas (the names are kept as they are). */
const schemaMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'])

/** Keywords a branch may carry and still be written by its type alone. */
const plainKeywords = new Set(['type', 'format', 'description', 'title', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'])
const plainTypes = new Set(['string', 'number', 'integer', 'boolean', 'null'])

function isPlainType(branch: unknown): boolean {
  if (typeof branch !== 'object' || branch === null || Array.isArray(branch)) return false
  const { type, format } = branch as { type?: unknown; format?: unknown }
  // A format the writer acts on (dates from Date objects) keeps its own branch.
  if (format === 'date-time' || format === 'date' || format === 'time') return false
  return Object.keys(branch).every((k) => plainKeywords.has(k)) && [type].flat().every((t) => typeof t === 'string' && plainTypes.has(t))
    && type !== undefined
}

function mapValues(value: unknown, fn: (schema: unknown) => unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, fn(schema)]))
}
