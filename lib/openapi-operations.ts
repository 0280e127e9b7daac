import type { RouteOptions } from 'fastify'
import type { Guard } from '../plugins/app/guards.js'

/**
 * What the OpenAPI document says about each operation, derived from what the route declares
 * (method, path, guards, response schemas) so a new route is described without extra work:
 * its `operationId`, its `security`, a description for every response and, for every error
 * response, the `type` values it may carry.
 */

type JsonSchema = Record<string, unknown>
type Status = number

/** Error types each guard may answer with, by status (plugins/app/guards.ts, auth.ts, csrf.ts). */
const guardErrorTypes: Record<Guard, (route: RouteFacts) => Record<Status, string[]>> = {
  public: (route) => ({ 404: route.hasTenantParam ? ['route_not_found', 'tenant_not_found'] : [] }),
  auth: (route) => ({
    401: ['unauthorized', 'no_session', 'session_expired', 'token_expired'],
    // Authenticated mutations take an Idempotency-Key (plugins/app/idempotency.ts).
    409: route.mutates ? ['idempotency_key_in_progress', 'idempotency_key_mismatch'] : [],
    // A tenant-scoped API token on another tenant's route; the Origin check of cookie mutations.
    403: [...route.hasTenantParam ? ['token_scope'] : [], ...route.mutates ? ['csrf_origin_mismatch'] : []],
  }),
  sysAdmin: () => ({ 403: ['no_sysadmin'] }),
  tenant: () => ({ 403: ['forbidden', 'tenant_suspended'], 404: ['tenant_not_found'] }),
  org: () => ({ 403: ['forbidden'], 404: ['organization_not_found'] }),
  crossTenant: () => ({}),
  cdcSecret: () => ({ 401: ['unauthorized'] }),
}

/** Error types of the request's shape, whatever the guards (lib/errors.ts' fromFastifyError). */
const inputErrorTypes = (route: RouteFacts): Record<Status, string[]> => route.hasInput
  ? { 400: ['validation_error', ...route.hasBody ? ['invalid_json'] : []] }
  : {}

const statusText: Record<Status, string> = {
  200: 'Success', 201: 'Created', 204: 'Done; no content',
  400: 'The request is invalid', 401: 'Not signed in, or the session or API token is invalid',
  403: 'Not allowed', 404: 'Not found', 409: 'Conflict with the current state',
  413: 'Request body too large', 429: 'Too many requests; retry after `Retry-After` seconds',
  503: 'Temporarily unavailable; retry later',
}

interface RouteFacts {
  hasTenantParam: boolean
  hasInput: boolean
  hasBody: boolean
  mutates: boolean
}

const methodOf = (route: RouteOptions) => [route.method].flat().find((m) => m !== 'HEAD') ?? 'GET'

function pascal(word: string): string {
  return word.split(/[-_]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`
  return word.endsWith('s') ? word.slice(0, -1) : word
}

/**
 * `listPages`, `createPage`, `getPage`, `updatePage`, `deletePages`, `acceptMembership`,
 * `listPublicPages`, `getMe`, `listMyTokens`: the verb from the method and whether the path ends
 * in a collection or an item; the nouns from the path's fixed segments (parameters that only give
 * context — tenant, organization — are left out). A trailing segment after an item is an action.
 * A route may set `schema.operationId` when this reads badly.
 */
export function deriveOperationId(method: string, url: string): string {
  const segments = url.split('/').filter(Boolean)
  const isParam = (s: string | undefined) => s?.startsWith(':') ?? false
  const words = segments.filter((s) => !isParam(s)).map((s) => (s === 'me' ? 'my' : s))
  const last = segments.at(-1)
  const resource = words.at(-1) ?? 'root'
  const context = words.slice(0, -1).map(pascal).join('')
  if (words.length === 1 && resource === 'my') return method === 'GET' ? 'getMe' : `${verbFor(method, true)}Me`
  if (!isParam(last) && isParam(segments.at(-2)) && method === 'POST' && words.length > 1) {
    // POST /…/memberships/:id/accept → acceptMembership
    return `${resource.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}${pascal(singular(words.at(-2)!))}`
  }
  const item = isParam(last)
  const one = item || method === 'POST'
  return `${verbFor(method, item, resource.endsWith('s'))}${context}${pascal(one ? singular(resource) : resource)}`
}

function verbFor(method: string, item: boolean, plural = true): string {
  switch (method) {
    case 'GET': return item || !plural ? 'get' : 'list'
    case 'POST': return 'create'
    case 'PUT': case 'PATCH': return 'update'
    case 'DELETE': return 'delete'
    default: return method.toLowerCase()
  }
}

/** Public routes need nothing; authenticated ones a session cookie or a bearer token. */
export function securityFor(guards: readonly Guard[]): Array<Record<string, string[]>> {
  return guards.includes('auth') ? [{ session: [] }, { bearer: [] }] : []
}

/** The error types a route may answer with, by status: its guards', its input's and its own. */
export function errorTypesFor(route: RouteOptions, guards: readonly Guard[]): Record<Status, string[]> {
  const schema = (route.schema ?? {}) as Record<string, unknown>
  const method = methodOf(route)
  const facts: RouteFacts = {
    hasTenantParam: route.url.includes(':tenantId'),
    hasInput: Boolean(schema.body ?? schema.querystring ?? schema.params),
    hasBody: Boolean(schema.body),
    mutates: method !== 'GET' && method !== 'HEAD',
  }
  const all: Record<Status, Set<string>> = {}
  for (const part of [...guards.map((guard) => guardErrorTypes[guard](facts)), inputErrorTypes(facts)]) {
    for (const [status, types] of Object.entries(part)) {
      const set = all[Number(status)] ?? new Set<string>()
      for (const type of types) set.add(type)
      all[Number(status)] = set
    }
  }
  return Object.fromEntries(Object.entries(all).filter(([, types]) => types.size > 0).map(([status, types]) => [status, [...types].sort()]))
}

/** The `x-error-types` a response schema declared with `errorOf(...)` (lib/schemas.ts). */
const declaredTypesKey = 'x-error-types'

/**
 * One response of the document: a description, and for an error response a schema that narrows
 * the shared `Error`'s `type` to the values this route may answer with at this status.
 */
function describeResponse(status: Status, json: JsonSchema, summary: string, errorTypes: string[] | undefined): JsonSchema | undefined {
  const { [declaredTypesKey]: declared, description, ...schema } = json
  const isError = status >= 400
  const types = [...new Set([...errorTypes ?? [], ...(declared as string[] | undefined) ?? []])].sort()
  // `guardErrors` declares no types of its own: a status its guards never answer is left out.
  if (isError && types.length === 0 && Array.isArray(declared)) return undefined
  const text = (description as string | undefined)
    ?? (isError
      ? `${statusText[status] ?? 'Error'}${types.length ? ` (\`${types.join('`, `')}\`)` : ''}`
      : `${statusText[status] ?? 'Success'}: ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`)
  if (schema.type === 'null') return { type: 'null', description: text }
  if (json.content) return { ...json, description: text }
  const body = isError && types.length
    ? { allOf: [schema, { type: 'object', properties: { error: { type: 'object', properties: { type: { type: 'string', enum: types } } } } }] }
    : schema
  return { description: text, content: { 'application/json': { schema: body } } }
}

const errorRef = { $ref: '#/components/schemas/Error' }

/** The `Idempotency-Key` header of authenticated mutations, with the rule the server enforces. */
function withIdempotencyKey(headers: JsonSchema | undefined): JsonSchema {
  const properties = (headers?.properties ?? {}) as JsonSchema
  return {
    type: 'object',
    ...headers,
    properties: {
      ...properties,
      'idempotency-key': {
        type: 'string', minLength: 1, maxLength: 200,
        description: 'Replays of this request (same key, method, URL and body) get the first response again, with `Idempotent-Replayed: true`',
      },
    },
  }
}

/** The transformed (JSON) schema of one route with the document's per-operation facts added. */
export function describeOperation(route: RouteOptions, json: JsonSchema): JsonSchema {
  if (json.hide) return json
  const guards = route.config?.guards ?? ['public']
  const method = methodOf(route)
  const summary = typeof json.summary === 'string' ? json.summary : `${method} ${route.url}`
  const errorTypes = errorTypesFor(route, guards)
  const declared = (json.response ?? {}) as Record<string, JsonSchema>
  // A status the guards may answer with is documented even when the route did not declare it.
  const responses = { ...Object.fromEntries(Object.keys(errorTypes).map((status) => [status, errorRef])), ...declared }
  const idempotent = guards.includes('auth') && method !== 'GET'
  return {
    ...json,
    ...idempotent ? { headers: withIdempotencyKey(json.headers as JsonSchema | undefined) } : {},
    operationId: json.operationId ?? deriveOperationId(method, route.url),
    security: json.security ?? securityFor(guards),
    response: Object.fromEntries(Object.entries(responses)
      .map(([status, schema]) => [status, describeResponse(Number(status), schema, summary, errorTypes[Number(status)])])
      .filter(([, response]) => response !== undefined)),
  }
}
