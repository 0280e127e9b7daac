/**
 * A Strata server for the benchmarks, in its own process so the load generator does not share
 * its event loop, with the CDC worker in-process as under `npm start`. Prints `listening <url>`
 * once ready. Strata's own defaults otherwise (load shedding, entity cache, logging at warn); rate
 * limits off and stream caps raised, since one client makes all the load. Its floors are in
 * bench/floors/, each in its own process. Env: BENCH_DATABASE_URL, BENCH_CDC_URL, BENCH_PORT, BENCH_WORKER.
 */
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import strata from '../app.js'
import { serverOptions } from '../config/server-options.js'
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
const address = await app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' })
const { port } = app.server.address() as { port: number }
// BENCH_WORKER=off: another API instance beside the one that runs the worker.
const worker = process.env.BENCH_CDC_URL && process.env.BENCH_WORKER !== 'off'
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
