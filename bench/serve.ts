/**
 * A Strata server for the benchmarks, in its own process so the load generator does not share
 * its event loop, with the CDC worker in-process as under `npm start`. Prints `listening <url>`
 * once ready. Env: BENCH_DATABASE_URL, BENCH_CDC_URL, BENCH_PORT.
 */
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from '../app.js'
import { serverOptions } from '../lib/logger.js'
import { ingestUrlFor, startCdcWorker } from '../sync/start-worker.js'

const app = Fastify(serverOptions('warn'))
const cdcSecret = 'bench-cdc-secret-0123456789'
await app.register(fp(strata), {
  database: { url: process.env.BENCH_DATABASE_URL!, poolMax: 10 },
  sync: process.env.BENCH_CDC_URL ? { source: 'replication' } : false,
  rateLimit: false,
  cdcSecret,
  cookieSecret: 'bench-cookie-secret-0123456789',
  streams: { maxPerUser: 100_000, maxConnections: 100_000 },
})
// The floor for the framework itself: what a route with no work costs.
app.get('/bench/hello', { config: { guards: ['public'] } }, async () => ({ hello: 'world' }))
const address = await app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
const worker = process.env.BENCH_CDC_URL
  ? await startCdcWorker({ cdcUrl: process.env.BENCH_CDC_URL, cdcSecret, ingestUrl: ingestUrlFor({ PORT: port }), log: app.log })
  : undefined
console.log(`listening ${address}`)
process.on('SIGTERM', () => {
  void (async () => {
    await worker?.stop()
    await app.close()
    process.exit(0)
  })()
})
