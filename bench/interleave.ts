import { type CpuSnapshot, type LoadResult, type Spread, cpuBetween, cpuMicros, load, quick, spreadOf } from './lib.js'

/** One HTTP load target and the process that serves it (for its CPU time). */
export interface Target {
  name: string
  url: string
  headers?: Record<string, string>
  serverPid: number
}

export interface RoundResult extends LoadResult {
  /** Server process CPU (user + system) per request, µs. */
  serverCpuUs: number
  /** Database CPU (every backend of the cluster) per request, µs. */
  dbCpuUs: number
}

export interface InterleaveOptions {
  rounds: number
  seconds: number
  warmupSeconds: number
  /** CPU time used so far by each of the database's processes. */
  dbCpu(): Promise<CpuSnapshot>
}

// Five shorter rounds rather than three long ones: on a shared machine a median of five per-round
// ratios moves less with one disturbed round, for the same time under load.
export const defaultRounds = { rounds: quick ? 3 : 5, seconds: quick ? 2 : 4, warmupSeconds: quick ? 1 : 2 }

/**
 * Loads every target in turn, round after round (A, B, C, A, B, C, …), so drift on a shared
 * machine (other processes, thermal, GC of a long run) falls on all targets of a round alike;
 * ratios are then taken within a round. One unmeasured warm-up pass first (JIT, pools, caches).
 */
export async function interleave(targets: Target[], options: InterleaveOptions): Promise<Map<string, RoundResult[]>> {
  for (const t of targets) await load(t.url, { headers: t.headers, seconds: options.warmupSeconds })
  const results = new Map<string, RoundResult[]>(targets.map((t) => [t.name, []]))
  for (let r = 0; r < options.rounds; r++) {
    for (const t of targets) {
      const [server0, db0] = await Promise.all([cpuMicros(t.serverPid), options.dbCpu()])
      const result = await load(t.url, { headers: t.headers, seconds: options.seconds })
      const [server1, db1] = await Promise.all([cpuMicros(t.serverPid), options.dbCpu()])
      const requests = Math.max(1, result.requests)
      results.get(t.name)!.push({ ...result, serverCpuUs: (server1 - server0) / requests, dbCpuUs: cpuBetween(db0, db1) / requests })
      process.stderr.write(`  round ${r + 1}: ${t.name}: ${result.rps} req/s\n`)
    }
  }
  return results
}

/** One target's name, or several whose per-round values are averaged (the same server in several processes). */
export type Side = string | string[]

const perRound = (results: Map<string, RoundResult[]>, side: Side, value: (r: RoundResult) => number): number[] => {
  const names = [side].flat()
  return results.get(names[0]!)!.map((_, i) => names.reduce((sum, name) => sum + value(results.get(name)![i]!), 0) / names.length)
}

/** Per-round ratio of `a` over `b` (req/s), as median with its spread. */
export function ratioOf(results: Map<string, RoundResult[]>, a: Side, b: Side): Spread {
  const bs = perRound(results, b, (r) => r.rps)
  return spreadOf(perRound(results, a, (r) => r.rps).map((x, i) => x / bs[i]!))
}

/**
 * The same ratio from CPU per request (server + database) instead of throughput: `b`'s CPU per
 * request over `a`'s, per round. Steadier on a shared machine, where req/s follows the neighbours.
 */
export function cpuRatioOf(results: Map<string, RoundResult[]>, a: Side, b: Side): Spread {
  const cpu = (r: RoundResult) => r.serverCpuUs + r.dbCpuUs
  const as = perRound(results, a, cpu)
  return spreadOf(perRound(results, b, cpu).map((x, i) => x / as[i]!))
}
