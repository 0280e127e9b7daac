import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import SwaggerParser from '@apidevtools/swagger-parser'
import t from 'tap'
import { build, syncOptions, testDatabase } from '../helper.js'

const run = promisify(execFile)

interface Operation {
  operationId?: string
  security?: Array<Record<string, string[]>>
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>
}
type Paths = Record<string, Record<string, Operation>>

t.test('npm run openapi writes exactly the document a server with a database and sync serves', async (t) => {
  const db = await testDatabase(t)
  const { app } = await build(t, { tenancy: 'multi', ...syncOptions(db, 'notify') }, { database: db })
  const served = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.ok(served.paths['/entities/app/stream'], 'the served document has the stream routes')

  const dir = await mkdtemp(path.join(tmpdir(), 'strata-openapi-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'openapi.json')
  // The script's environment: the same feature flags, no database at all.
  const env = { ...process.env, TENANCY: 'multi', SYNC_SOURCE: 'notify', DEV_MODE: 'full', DATABASE_URL: '' }
  await run(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts', file], { env, cwd: process.cwd() })
  t.same(JSON.parse(await readFile(file, 'utf8')), served, 'byte for byte the same document')
})

t.test('every operation has an operationId, real response descriptions, security and error types from its guards', async (t) => {
  const { app, routes } = await build(t, { tenancy: 'multi', sync: { source: 'notify' } }, { database: false })
  const document = app.swagger() as unknown as { paths: Paths }
  await t.resolves(SwaggerParser.validate(structuredClone(document) as never), 'validates')
  const ids = new Set<string>()
  for (const [url, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${url}`
      t.match(operation.operationId, /^[a-z][A-Za-z]+$/, `${name} has an operationId`)
      t.notOk(ids.has(operation.operationId!), `${name}: operationId ${operation.operationId} is unique`)
      ids.add(operation.operationId!)
      const route = routes.find((r) => r.url.replace(/:(\w+)/g, '{$1}') === url && [r.method].flat().includes(method.toUpperCase()))
      const guards = route?.config?.guards ?? []
      t.same(operation.security, guards.includes('auth') ? [{ session: [] }, { bearer: [] }] : [], `${name}: security from its guards`)
      for (const [status, response] of Object.entries(operation.responses)) {
        t.not(response.description, 'Default Response', `${name} ${status} is described`)
        const schema = response.content?.['application/json']?.schema
        const refsError = JSON.stringify(schema ?? {}).includes('#/components/schemas/Error')
        if (!refsError) continue
        const narrowed = (schema?.allOf as Array<{ properties?: { error?: { properties?: { type?: { enum?: string[] } } } } }> | undefined)?.[1]
        t.ok(narrowed?.properties?.error?.properties?.type?.enum?.length, `${name} ${status} enumerates its error types`)
      }
    }
  }

  const pages = document.paths['/{tenantId}/{orgId}/pages']!
  t.equal(pages.get!.operationId, 'listPages')
  t.equal(pages.post!.operationId, 'createPage')
  t.equal(document.paths['/me']!.get!.operationId, 'getMe')
  t.equal(document.paths['/auth/sign-in']!.post!.security?.length, 0, 'signing in is public')
  const typesOf = (operation: Operation, status: string) =>
    (response(operation, status).allOf as Array<{ properties: { error: { properties: { type: { enum: string[] } } } } }>)[1]!.properties.error.properties.type.enum
  const response = (operation: Operation, status: string) => operation.responses[status]!.content!['application/json']!.schema
  t.same(typesOf(pages.get!, '401'), ['no_session', 'session_expired', 'token_expired', 'unauthorized'])
  t.same(typesOf(pages.get!, '404'), ['organization_not_found', 'tenant_not_found'])
  t.same(typesOf(pages.post!, '403'), ['csrf_origin_mismatch', 'forbidden', 'tenant_suspended', 'token_scope'])
  t.same(typesOf(pages.post!, '409'), ['idempotency_key_in_progress', 'idempotency_key_mismatch'])
  t.same(typesOf(pages.post!, '400'), ['invalid_json', 'validation_error'])

  // What the server enforces is in the schema: the slug pattern, lengths.
  const createOrganization = document.paths['/{tenantId}/organizations']!.post! as unknown as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, Record<string, unknown>> } } } } }
  const body = createOrganization.requestBody.content['application/json'].schema.properties
  t.equal(body.slug!.pattern, '^[a-z0-9][a-z0-9-]{1,62}$')
  t.equal(body.name!.maxLength, 200)

  // The stream: SSE frames with a typed change event, and the catch-up JSON.
  const stream = document.paths['/entities/app/stream']!.get!
  t.equal(stream.operationId, 'streamChanges')
  t.ok(stream.responses['200']!.content!['text/event-stream'], 'text/event-stream is documented')
  t.ok(stream.responses['200']!.content!['application/json'], '?live=catchup JSON is documented')
  const components = (document as unknown as { components: { schemas: Record<string, { anyOf?: Array<{ properties: Record<string, unknown> }> }> } }).components.schemas
  t.ok(components.Change, 'the change payload is a component')
  t.ok(components.StreamFrame?.anyOf?.some((frame) => JSON.stringify(frame.properties.event) === '{"type":"string","const":"change"}'), 'change frames are described')
})
