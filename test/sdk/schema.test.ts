import { readFile } from 'node:fs/promises'
import t from 'tap'
import { schemaFile, schemaSource } from '../../sdk/scripts/schema-source.js'

t.test('sdk/src/schema.d.ts is what the OpenAPI document generates (npm run sdk:generate)', async (t) => {
  t.equal(await readFile(schemaFile, 'utf8'), await schemaSource(), 'up to date')
})
