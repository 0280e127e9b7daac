import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { Counter, Gauge, Histogram } from 'prom-client'
import type { WebSocket } from 'ws'
import { ingestMessage } from '../../sync/activity.js'

const pingIntervalMs = 15_000

declare module 'fastify' {
  interface FastifyInstance {
    /** Absent unless the sync engine's source is `replication` (and a database is configured). */
    cdcIngest?: {
      /** CDC workers connected right now. */
      connections(): number
      /** Takes a worker's WebSocket: batches in, acks out, pings to keep it honest. */
      accept(socket: WebSocket): void
    }
  }
}

/**
 * The CDC ingest (SPEC §8), served at `/internal/cdc`: the CDC worker announces each committed
 * batch; the API validates the message, has the ActivityBus read the change log, and
 * acknowledges. A malformed message gets an error reply and the connection stays open for good
 * ones. Pings keep it honest. Also the worker's health (from its slot) for /ready and /metrics.
 */
export default fp(async (fastify) => {
  const { sync } = fastify.config
  const bus = fastify.activityBus
  if (!sync || sync.source !== 'replication' || !bus) return
  const sockets = new Set<WebSocket>()
  const registers = [fastify.metrics]
  const batches = new Counter({ name: 'cdc_ingest_batches_total', help: 'CDC batches received', labelNames: ['result'] as const, registers })
  const batchSize = new Histogram({ name: 'cdc_ingest_batch_size', help: 'Activities per CDC batch', buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000], registers })
  const connects = new Counter({ name: 'cdc_ingest_connections_total', help: 'CDC worker connections (reconnects included)', registers })
  new Gauge({ name: 'cdc_ingest_connected', help: 'CDC workers connected', registers, collect() { this.set(sockets.size) } })
  new Gauge({
    name: 'cdc_replication_lag_bytes', help: 'WAL not yet confirmed by the CDC slot', registers,
    async collect() { this.set((await slotState())?.lagBytes ?? 0) },
  })
  const dispatchLag = new Gauge({ name: 'cdc_dispatch_lag_seconds', help: 'Commit to ActivityBus delay of the latest activity', registers })

  /** The worker's health as the database sees it: the same answer on every instance. */
  async function slotState(): Promise<{ active: boolean; lagBytes: number; retainedBytes: number } | undefined> {
    const { rows: [row] } = await sql<{ active: boolean; lag: string | null; retained: string | null }>`
      select active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text as lag,
             pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text as retained
      from pg_replication_slots where slot_name = ${sync && sync.slot}`.execute(fastify.db)
    return row ? { active: row.active, lagBytes: Number(row.lag ?? 0), retainedBytes: Number(row.retained ?? 0) } : undefined
  }

  bus.on('activity', (activity) => {
    dispatchLag.set(Math.max(0, (Date.now() - Date.parse(activity.createdAt)) / 1000))
  })


  // This instance's readiness is its own feed (the activity-bus check): the worker may push to
  // another instance. A worker that is down delays changes on every instance alike, so it fails
  // no instance's /ready (that would take them all out of service for a sync delay); its health
  // is reported as info, from the slot, the same everywhere. A slot that was never created is a
  // setup problem and does fail.
  fastify.readiness.add('cdc', async () => {
    const slot = await slotState()
    if (!slot) return [`replication slot ${sync.slot} does not exist (no CDC worker has run on this database)`]
    if (slot.retainedBytes > sync.retainedWalWarnBytes) {
      fastify.log.warn({ slot: sync.slot, retainedBytes: slot.retainedBytes }, 'replication slot retains a lot of WAL')
    }
    return []
  })
  fastify.readiness.info('cdc', async () => {
    const slot = await slotState()
    return { slot: sync.slot, workerActive: slot?.active ?? false, lagBytes: slot?.lagBytes ?? null, retainedBytes: slot?.retainedBytes ?? null, workersConnectedHere: sockets.size }
  })

  /** Serves one worker's WebSocket (the route is routes/internal/cdc.ts). */
  const accept = (socket: WebSocket): void => {
    sockets.add(socket)
    connects.inc()
    let alive = true
    socket.on('pong', () => { alive = true })
    const pinger = setInterval(() => {
      if (!alive) return socket.terminate()
      alive = false
      socket.ping()
    }, pingIntervalMs)
    socket.on('close', () => {
      clearInterval(pinger)
      sockets.delete(socket)
    })
    // A new worker connection may follow a gap: read whatever was committed meanwhile.
    void bus.catchUp().catch((err: unknown) => fastify.log.error({ err }, 'catch-up after a CDC connect failed'))

    socket.on('message', async (raw) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(String(raw))
      } catch {
        batches.inc({ result: 'rejected' })
        socket.send(JSON.stringify({ type: 'error', error: 'invalid_json' }))
        return
      }
      const result = ingestMessage.safeParse(parsed)
      if (!result.success) {
        batches.inc({ result: 'rejected' })
        socket.send(JSON.stringify({ type: 'error', error: 'invalid_message', issues: result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) }))
        return
      }
      const batch = result.data
      try {
        // The batch only wakes the bus, which reads the change log itself: what a message claims
        // is never published. It is acknowledged once the log holds (and the bus has published)
        // everything up to its last cursor; a cursor the log does not reach is refused.
        await bus.catchUp(batch.activities.at(-1)!.cursor)
        if (batch.activities.at(-1)!.cursor > bus.cursor) {
          batches.inc({ result: 'rejected' })
          socket.send(JSON.stringify({ type: 'error', error: 'unknown_activities', batchId: batch.batchId }))
          return
        }
        batches.inc({ result: 'accepted' })
        batchSize.observe(batch.activities.length)
        socket.send(JSON.stringify({ type: 'ack', batchId: batch.batchId }))
      } catch (err) {
        fastify.log.error({ err }, 'CDC batch could not be published')
        socket.send(JSON.stringify({ type: 'error', error: 'internal_error', batchId: batch.batchId }))
      }
    })
  }

  fastify.decorate('cdcIngest', { connections: () => sockets.size, accept })

  fastify.addHook('preClose', async () => {
    for (const socket of sockets) socket.close(1001, 'server shutting down')
  })
}, { name: 'cdc-ingest', dependencies: ['config', 'db', 'activity-bus', 'metrics', 'readiness'] })
