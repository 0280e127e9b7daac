import fp from 'fastify-plugin'
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { DurationHistogram, type DurationSeries } from '../../lib/duration-histogram.js'

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
  const duration = new DurationHistogram('http_request_duration_seconds', 'HTTP request duration by route and status',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registry)
  /** Series by route, then by method and status: each label set is resolved once, not per request. */
  const routes = new Map<string, Map<string, DurationSeries>>()
  const seriesOf = (route: string, method: string, status: number): DurationSeries => {
    let byKey = routes.get(route)
    if (!byKey) {
      byKey = new Map()
      routes.set(route, byKey)
    }
    const key = method + status
    let series = byKey.get(key)
    if (!series) {
      series = duration.seriesOf({ method, route, status: String(status) })
      byKey.set(key, series)
    }
    return series
  }
  // A callback hook: an async one costs a promise per request.
  fastify.addHook('onResponse', (request, reply, done) => {
    seriesOf(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode).observe(reply.elapsedTime / 1000)
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
