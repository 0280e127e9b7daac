/**
 * A Strata server for the benchmarks, in its own process so the load generator does not share
 * its event loop. Prints `listening <url>` once ready. Env: BENCH_DATABASE_URL, BENCH_PORT.
 */
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from '../app.js'
import { serverOptions } from '../lib/logger.js'

const app = Fastify(serverOptions('warn'))
await app.register(fp(strata), {
  database: { url: process.env.BENCH_DATABASE_URL!, poolMax: 10 },
  sync: false,
  rateLimit: false,
  cookieSecret: 'bench-cookie-secret-0123456789',
})
// The floor for the framework itself: what a route with no work costs.
app.get('/bench/hello', { config: { guards: ['public'] } }, async () => ({ hello: 'world' }))
const address = await app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' })
console.log(`listening ${address}`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
