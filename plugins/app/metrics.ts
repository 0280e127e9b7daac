import fp from 'fastify-plugin'
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus registry of this app instance; plugins register their metrics here. */
    metrics: Registry
  }
}

/** Prometheus metrics (SPEC §10): process, HTTP durations and pool usage, served at /metrics. */
export default fp(async (fastify) => {
  const registry = new Registry()
  fastify.decorate('metrics', registry)
  if (!fastify.config.metrics) return

  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  // A callback hook: an async one costs a promise per request.
  fastify.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
    done()
  })

  const { pool } = fastify
  if (pool) {
    new Gauge({
      name: 'db_pool_connections',
      help: 'Runtime pool connections by state',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount)
        this.set({ state: 'idle' }, pool.idleCount)
        this.set({ state: 'waiting' }, pool.waitingCount)
      },
    })
  }
}, { name: 'metrics', dependencies: ['config', 'db'] })
