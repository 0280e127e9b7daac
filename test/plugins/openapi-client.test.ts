import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import t from 'tap'
import ts from 'typescript'
import { build } from '../helper.js'

/** Type-checks `files` (name → source) strictly; returns the diagnostics as text. */
async function typeCheck(dir: string, files: Record<string, string>): Promise<string[]> {
  for (const [name, source] of Object.entries(files)) await writeFile(path.join(dir, name), source)
  const program = ts.createProgram(Object.keys(files).map((f) => path.join(dir, f)), {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: [],
  })
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

t.test('a typed client generated from the OpenAPI document type-checks', async (t) => {
  const { app } = await build(t, { tenancy: 'multi' }, { database: false })
  const document = app.swagger()
  const types = astToString(await openapiTS(document as Parameters<typeof openapiTS>[0]))
  t.notMatch(types, /\bany\b/, 'the generated types have no `any`')
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-client-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const usage = `
    import type { paths, components } from './schema.js'
    type SignUp = paths['/auth/sign-up']['post']['requestBody']['content']['application/json']
    type Created = paths['/auth/sign-up']['post']['responses']['201']['content']['application/json']
    type PageList = paths['/{tenantId}/{orgId}/pages']['get']['responses']['200']['content']['application/json']
    type PageQuery = NonNullable<paths['/{tenantId}/{orgId}/pages']['get']['parameters']['query']>
    type ErrorBody = components['schemas']['Error']
    const body: SignUp = { email: 'a@b.io', password: 'password-123' }
    const created: Created = { user: { id: 'x', email: 'a@b.io', name: 'A', emailVerified: false, createdAt: 'now', updatedAt: 'now' } }
    const list: PageList = { items: [], total: 0 }
    const query: PageQuery = { limit: 20, sort: 'title', status: 'published' }
    const error: ErrorBody = { error: { status: 404, type: 'route_not_found', message: 'm', severity: 'info', requestId: 'r' } }
    export const all = [body, created, list, query, error]
  `
  const good = await typeCheck(dir, { 'schema.ts': types, 'usage.ts': usage })
  t.same(good, [], 'the usage file type-checks against the generated client')

  const wrong = usage.replace("status: 'published'", "status: 'deleted'")
  const bad = await typeCheck(dir, { 'schema.ts': types, 'usage.ts': wrong })
  t.ok(bad.length > 0, 'a wrong value is caught by the generated types')
})
