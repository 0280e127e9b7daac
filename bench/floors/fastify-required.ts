/**
 * Floor: bare Fastify with only what every Strata response must carry (SPEC §10), and nothing of
 * Strata's plugins: Strata's server options (a pino logger, at warn, with a request id on every
 * request) and the API's security headers with the `x-request-id` header, set in one onRequest
 * hook. Between bare Fastify and this floor is what those requirements cost in the framework;
 * between this floor and `GET /health` is what Strata adds of its own.
 */
import Fastify from 'fastify'
import { serverOptions } from '../../config/server-options.js'
import { apiHeaders } from '../../plugins/external/helmet.js'

const app = Fastify(serverOptions('warn'))
const headers = apiHeaders(false)
app.addHook('onRequest', (request, reply, done) => {
  reply.headers(headers).header('x-request-id', request.id)
  done()
})
app.get('/', async () => ({ status: 'ok' }))
const address = await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`listening ${address}`)
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
