import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import autocannon from 'autocannon'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'

/** One line of a results table (a measurement that is not itself a target). */
export interface Row {
  benchmark: string
  value: number | string
  unit: string
  detail?: string
}

/** A target of issue 16 with what this run measured. */
export interface Verdict {
  target: string
  measured: string
  met: boolean
}

/** BENCH_QUICK=1: shorter rounds and smaller batches, for checking the harness itself. */
export const quick = process.env.BENCH_QUICK === '1'

export interface Server {
  url: string
  pid: number
  child: ChildProcess
}

/**
 * Spawns a bench server script (tsx) in its own process and resolves its URL once it prints
 * `listening <url>`. `nodeArgs` go before the script (e.g. `--import ./bench/profiler.ts`).
 */
export async function spawnServer(script: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, script], {
    env: { ...process.env, FASTIFY_AUTOLOAD_TYPESCRIPT: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      // The server's own log lines (warnings and errors only) go to our stderr.
      for (const line of chunk.toString().split('\n')) if (line.startsWith('{')) process.stderr.write(`${line}\n`)
      const match = /listening (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return { url, pid: child.pid!, child }
}

/** Resolves with the next line of the server's stdout that matches `pattern`. */
export const lineFrom = (server: Server, pattern: RegExp) => new Promise<RegExpExecArray>((resolve) => {
  const listener = (chunk: Buffer) => {
    const match = pattern.exec(chunk.toString())
    if (!match) return
    server.child.stdout!.off('data', listener)
    resolve(match)
  }
  server.child.stdout!.on('data', listener)
})

/** Ends a spawned server and waits for its exit (a CPU profile is written on exit). */
export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGTERM')
  await exited
}

const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

/** User + system CPU time a process (all its threads) has used so far, in microseconds (/proc/<pid>/stat). */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond) * 1e6 || 0
}

/** CPU time per process of a group whose members come and go (e.g. database backends), µs. */
export type CpuSnapshot = Map<number, number>

/** CPU the group used between two snapshots; a process that ended in between is not counted, one that started is counted whole. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let total = 0
  for (const [pid, micros] of after) total += micros - (before.get(pid) ?? 0)
  return total
}

export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}

/** Waits until `pid` has been nearly idle (< 5% of a core) for 300 ms, e.g. after a bulk write reached it. */
export async function settle(pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const before = await cpuMicros(pid)
    await sleep(300)
    if ((await cpuMicros(pid)) - before < 15_000) return
  }
}

/**
 * Waits until the CDC worker has confirmed everything written so far (its slot's confirmed
 * position reaches the current WAL position), then until `pid` is idle. A server still digesting
 * a bulk seed between two idle moments would otherwise be measured while it works.
 */
export async function settleCdc(admin: Kysely<DB>, pid: number, timeoutMs = 300_000, slot = 'strata_slot'): Promise<number> {
  const started = Date.now()
  const { lsn: target } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(admin).then((r) => r.rows[0]!)
  while (Date.now() - started < timeoutMs) {
    const { rows } = await sql<{ behind: string | null }>`select pg_wal_lsn_diff(${target}::pg_lsn, confirmed_flush_lsn)::text as behind
      from pg_replication_slots where slot_name = ${slot}`.execute(admin)
    if (rows.length === 0 || Number(rows[0]!.behind ?? 0) <= 0) break
    await sleep(250)
  }
  await settle(pid, timeoutMs)
  return Date.now() - started
}

export interface LoadResult {
  rps: number
  requests: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

/** autocannon for `seconds` with `connections` (default 10), bounded in time, loopback only. */
export async function load(url: string, options: { headers?: Record<string, string>; seconds?: number; connections?: number } = {}): Promise<LoadResult> {
  const result = await autocannon({
    url,
    headers: options.headers,
    duration: options.seconds ?? 6,
    connections: options.connections ?? 10,
    pipelining: 1,
  })
  return {
    rps: Math.round(result.requests.average),
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  }
}

/** Median of `runs` timings of `work` in milliseconds, after `warmup` runs. */
export async function medianMs(work: () => unknown, runs = 200, warmup = 20): Promise<number> {
  for (let i = 0; i < warmup; i++) await work()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    await work()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(times)
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median and spread of a series, e.g. per-round ratios. */
export interface Spread {
  median: number
  min: number
  max: number
}

export const spreadOf = (values: number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) })

export const round = (value: number, digits = 3) => Number(value.toFixed(digits))

export const formatSpread = (s: Spread, digits = 2) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const waitUntil = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (!check() && Date.now() < deadline) await sleep(5)
}
