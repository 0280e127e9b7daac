import { type IncomingMessage, request } from 'node:http'
import { readFile } from 'node:fs/promises'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { type Row, round } from './lib.js'

interface Subscriber {
  response: IncomingMessage
  /** entityId → arrival time (ms, performance.now) of its first change event. */
  seen: Map<string, number>
  count: number
  close(): void
}

/** Opens a raw SSE stream and records change events by entity id (cheap enough for thousands). */
function subscribe(base: string, cookie: string, record = true): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/entities/app/stream?offset=now`, { headers: { cookie, accept: 'text/event-stream' }, agent: false }, (response) => {
      const subscriber: Subscriber = { response, seen: new Map(), count: 0, close: () => req.destroy() }
      let buffer = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        if (!record) return
        buffer += chunk
        for (let at = buffer.indexOf('\n\n'); at !== -1; at = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          const match = /"entityId":"([^"]+)"/.exec(block)
          if (block.includes('event: change') && match) {
            subscriber.count++
            if (!subscriber.seen.has(match[1]!)) subscriber.seen.set(match[1]!, performance.now())
          }
        }
      })
      response.once('data', () => resolve(subscriber))
      response.on('error', () => {})
    })
    req.on('error', reject)
    req.end()
  })
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}

const waitUntil = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
}

const warmupWrites = 5
const measuredWrites = 50

/** Write-to-event latency, idle fan-out and RSS per stream, CDC throughput (SPEC §11). */
export async function streamBench(input: { url: string; cookie: string; admin: Kysely<DB>; orgId: string; serverPid: number }): Promise<Row[]> {
  const rows: Row[] = []
  const { url, cookie } = input
  const headers = { cookie, origin: url, 'content-type': 'application/json' }

  for (const n of [100, 1_000]) {
    const subscribers = await Promise.all(Array.from({ length: n }, () => subscribe(url, cookie)))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const latencies: number[] = []
    // The first writes after start-up pay for JIT, plan caches and pool connections: warm up
    // with a few unmeasured ones, as every benchmark here does.
    for (let i = -warmupWrites; i < measuredWrites; i++) {
      const started = performance.now()
      const res = await fetch(`${url}/bnch01/bench/pages`, { method: 'POST', headers, body: JSON.stringify({ title: `latency ${i}` }) })
      const { id } = await res.json() as { id: string }
      await waitUntil(() => subscribers.every((s) => s.seen.has(id)), 10_000)
      if (i >= 0) for (const s of subscribers) latencies.push((s.seen.get(id) ?? Number.NaN) - started)
    }
    const valid = latencies.filter((l) => Number.isFinite(l))
    rows.push({
      benchmark: `write-to-event latency, ${n} subscribers (POST → change at every client)`,
      value: round(percentile(valid, 50), 1), unit: 'ms p50',
      detail: `p99 ${round(percentile(valid, 99), 1)} ms; ${valid.length}/${latencies.length} delivered (${measuredWrites} writes after ${warmupWrites} unmeasured)`,
    })
    for (const s of subscribers) s.close()
  }

  // Idle fan-out: RSS per held stream, then one event to all of them.
  const idle = 10_000
  await new Promise((resolve) => setTimeout(resolve, 500))
  const before = await rssOf(input.serverPid)
  const held: Subscriber[] = []
  for (let i = 0; i < idle; i += 500) {
    held.push(...await Promise.all(Array.from({ length: Math.min(500, idle - i) }, () => subscribe(url, cookie))))
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  const after = await rssOf(input.serverPid)
  rows.push({ benchmark: `idle SSE streams held by one process`, value: held.length, unit: 'streams', detail: `RSS +${round((after - before) / 2 ** 20, 1)} MiB` })
  rows.push({ benchmark: 'RSS per idle stream', value: round((after - before) / held.length / 1024, 1), unit: 'KiB', detail: 'target < 50 KB' })
  const started = performance.now()
  const events = 5
  const ids: string[] = []
  for (let i = 0; i < events; i++) {
    const res = await fetch(`${url}/bnch01/bench/pages`, { method: 'POST', headers, body: JSON.stringify({ title: `fan-out ${i}` }) })
    ids.push(((await res.json()) as { id: string }).id)
  }
  await waitUntil(() => held.every((s) => ids.every((id) => s.seen.has(id))), 60_000)
  const seconds = (performance.now() - started) / 1000
  const delivered = held.reduce((sum, s) => sum + ids.filter((id) => s.seen.has(id)).length, 0)
  rows.push({ benchmark: `fan-out: ${events} changes to ${held.length} streams`, value: Math.round(delivered / seconds), unit: 'events/s', detail: `${delivered} delivered in ${round(seconds, 2)} s` })
  for (const s of held) s.close()

  // CDC throughput: one statement commits many row changes; time until a stream has them all.
  const watcher = await subscribe(url, cookie)
  const count = 20_000
  const t0 = performance.now()
  await sql`insert into pages (id, tenant_id, organization_id, title)
    select gen_random_uuid(), 'bnch01', ${input.orgId}::uuid, 'bulk ' || n from generate_series(1, ${count}) as n`.execute(input.admin)
  await waitUntil(() => watcher.count >= count, 120_000)
  const elapsed = (performance.now() - t0) / 1000
  rows.push({ benchmark: `CDC throughput: ${count} row changes, commit → SSE client`, value: Math.round(watcher.count / elapsed), unit: 'changes/s', detail: `${watcher.count} in ${round(elapsed, 2)} s` })
  watcher.close()
  return rows
}
