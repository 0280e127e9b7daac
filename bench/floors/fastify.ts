/**
 * Floor: a bare Fastify hello-world in its own process, no Strata plugin or hook, logger off.
 * What the framework itself costs per request; Strata's cheapest routes are measured against it.
 */
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`listening ${address}`)
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
