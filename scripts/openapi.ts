/** `npm run openapi`: write openapi.json from the route schemas, with no database (DEV_MODE=none). */
import { writeFile } from 'node:fs/promises'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from '../app.js'
import { serverOptions } from '../lib/logger.js'

const app = Fastify(serverOptions('warn'))
await app.register(fp(strata), { database: false, sync: false, tenancy: 'multi' })
await app.ready()
const document = app.swagger()
await writeFile('openapi.json', `${JSON.stringify(document, null, 2)}\n`)
await app.close()
console.log(`openapi.json: ${Object.keys(document.paths ?? {}).length} paths`)
