/**
 * `npm run openapi [file]`: write the OpenAPI document `npm start` serves in this environment
 * (same TENANCY, DEV_MODE, SYNC_SOURCE feature flags) to `file` (default openapi.json), with no database.
 */
import { writeFile } from 'node:fs/promises'
import { loadEnvOrExit } from '../config/env.js'
import { documentText, openapiDocument, servedOptions } from '../lib/openapi-document.js'

const file = process.argv[2] ?? 'openapi.json'
const document = await openapiDocument(servedOptions(loadEnvOrExit()))
await writeFile(file, documentText(document))
console.log(`${file}: ${Object.keys(document.paths ?? {}).length} paths`)
