import { readFile } from 'node:fs/promises'
import t from 'tap'
import { envSchema } from '../../config/env.js'
import { strataOptionsSchema } from '../../config/options.js'
import { build } from '../helper.js'

/**
 * The docs checked against the sources of truth: every registration option and environment
 * variable (their schemas), every route and every error type with its status (the OpenAPI
 * document, which the route table produces: each error response enumerates its types). What is
 * added later must be documented, or this fails.
 */
const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8')
const [api, configuration, readme] = await Promise.all([read('docs/api.md'), read('docs/configuration.md'), read('README.md')])
const tableRows = (text: string) => text.split('\n').filter((line) => line.startsWith('| '))

t.test('every registration option has a row in docs/configuration.md and a name in the README', async (t) => {
  const rows = tableRows(configuration)
  const readmeSection = readme.slice(readme.indexOf('## Registration options'), readme.indexOf('## Architecture'))
  const options = Object.keys(strataOptionsSchema.shape)
  t.ok(options.length > 20, `${options.length} options`)
  for (const option of options) {
    // A row of its own, or rows of its fields (`streams.heartbeatMs`).
    t.ok(rows.some((row) => row.startsWith(`| \`${option}\``) || row.startsWith(`| \`${option}.`)), `option ${option}`)
    t.ok(readmeSection.includes(`\`${option}\``), `option ${option} in the README`)
  }
})

t.test('every environment variable is in the tables of docs/configuration.md and the README', async (t) => {
  const variables = Object.keys(envSchema.shape)
  t.ok(variables.length > 15, `${variables.length} variables`)
  for (const variable of variables) {
    const named = (row: string) => row.split('|')[1]!.includes(`\`${variable}\``)
    t.ok(tableRows(configuration).some(named), `${variable} in docs/configuration.md`)
    t.ok(tableRows(readme).some(named), `${variable} in the README`)
  }
})

t.test('docs/api.md lists every route and every error type with its status', async (t) => {
  // Multi-tenant, with the sync engine and metrics: every optional route group is registered.
  const { app } = await build(t, { tenancy: 'multi', sync: { source: 'notify' }, metrics: true }, { database: false })
  type Responses = Record<string, { content?: Record<string, { schema?: { allOf?: Array<{ properties?: { error?: { properties?: { type?: { enum?: string[] } } } } }> } }> }>
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Responses }>> }
  const rows = tableRows(api)
  const errors = new Map<string, Set<string>>()
  for (const [path, operations] of Object.entries(document.paths)) {
    const url = path.replace(/\{(\w+)\}/g, ':$1')
    // Entity routes are documented once for every entity: `/:tenantId/:orgId/<plural>…`.
    const generic = url.replace(/^\/:tenantId\/:orgId\/(pages|attachments)(?=\/|$)/, '/:tenantId/:orgId/<plural>')
    for (const [method, operation] of Object.entries(operations)) {
      const listed = rows.some((row) => new RegExp(`^\\| ${method.toUpperCase()}\\b`).test(row) && (row.includes(`\`${url}\``) || row.includes(`\`${generic}\``)))
      t.ok(listed, `${method.toUpperCase()} ${url}`)
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const type of response.content?.['application/json']?.schema?.allOf?.[1]?.properties?.error?.properties?.type?.enum ?? []) {
          errors.set(type, (errors.get(type) ?? new Set()).add(status))
        }
      }
    }
  }
  t.ok(errors.size > 30, `${errors.size} error types in the OpenAPI document`)
  for (const [type, statuses] of errors) {
    for (const status of statuses) {
      t.ok(rows.some((row) => row.startsWith(`| ${status} |`) && row.includes(`\`${type}\``)), `${status} ${type} in the error table`)
    }
  }
})
