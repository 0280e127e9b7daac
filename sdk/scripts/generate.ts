/** `npm run sdk:generate`: regenerate sdk/src/schema.d.ts from the OpenAPI document. */
import { writeFile } from 'node:fs/promises'
import { schemaFile, schemaSource } from './schema-source.js'

await writeFile(schemaFile, await schemaSource())
console.log(`wrote ${schemaFile.pathname}`)
