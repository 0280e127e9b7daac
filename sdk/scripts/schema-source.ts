import { astToString, default as openapiTS } from 'openapi-typescript'
import { openapiDocument } from '../../lib/openapi-document.js'

export const schemaFile = new URL('../src/schema.d.ts', import.meta.url)

/**
 * The SDK's types: every route a Strata app may serve (multi-tenant, sync and public access on),
 * generated from the same document `/openapi.json` serves.
 */
export async function schemaSource(): Promise<string> {
  const document = await openapiDocument({ database: false, tenancy: 'multi', sync: { source: 'replication' }, publicAccess: true })
  const types = astToString(await openapiTS(document as Parameters<typeof openapiTS>[0]))
  return `/** Generated from Strata's OpenAPI document by \`npm run sdk:generate\`; do not edit. */\n${types}`
}
