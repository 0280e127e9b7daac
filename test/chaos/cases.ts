import type { Test } from 'tap'
import { type CasePlan, type CaseResult, type ChaosWorld, type OwnCluster, type ReaderVerdict, faultTable } from './world.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A case of the matrix: its plan, and assertions of its own besides the readers' verdicts. */
export interface ChaosCase extends CasePlan {
  check?: (t: Test, result: CaseResult) => void
}

/** The longest an API may take to exit on SIGTERM with its streams open (it allows itself 10 s). */
const sigtermExitBoundMs = 15_000

export interface MatrixOptions {
  /** Open streams of the SIGTERM case (100 in the matrix); the world needs a user per 20. */
  streams?: number
}

/** The faults of the matrix, each returning once the system is healed; `undefined` where one does not apply. */
export function faults(world: ChaosWorld, cluster: OwnCluster | undefined, { streams = 100 }: MatrixOptions = {}): Record<string, ChaosCase | undefined> {
  const replication = world.source === 'replication'
  const postgres = (mode: 'fast' | 'immediate') => cluster && {
    fault: async () => {
      await cluster.crash(mode)
      await sleep(1_000)
      await cluster.restart()
    },
  }
  const killApi = async () => {
    world.killApi()
    await sleep(2_000)
    await world.startApi()
  }
  let exit = { exitMs: 0, code: null as number | null }
  return {
    'worker SIGKILL': replication ? { fault: async () => { world.killWorker(); await sleep(2_000); await world.startWorker() } } : undefined,
    // Four times in a row, each new worker killed half a second after it connected.
    'worker SIGKILL ×4': replication ? {
      fault: async () => {
        for (let i = 0; i < 4; i++) {
          world.killWorker()
          await sleep(500)
          await world.startWorker()
          await sleep(500)
        }
      },
    } : undefined,
    'API SIGKILL': { fault: killApi },
    // The API the worker pushes to dies; readers on another instance follow through NOTIFY.
    'API SIGKILL (readers on another instance)': world.instances > 1 ? { fault: killApi, instanceOf: () => 1 } : undefined,
    // Streams of system admins (20 at most per user) on the API that gets SIGTERM.
    [`API SIGTERM with ${streams} streams`]: {
      readers: streams,
      instanceOf: () => 0,
      fault: async () => {
        exit = await world.terminateApi()
        await sleep(1_000)
        await world.startApi()
        return `exited ${exit.exitMs} ms after SIGTERM (code ${exit.code})`
      },
      check: (t, result) => {
        t.equal(exit.code, 0, 'the API exits 0: a graceful shutdown, not the 10 s timeout')
        t.ok(exit.exitMs < sigtermExitBoundMs, `the API exits within ${sigtermExitBoundMs / 1000} s of SIGTERM (took ${exit.exitMs} ms)`)
        const unwarned = result.readers.flatMap((r, i) => (r.closedAfterFault?.retried ? [] : [i + 1]))
        t.same(unwarned, [], `every one of the ${result.readers.length} streams got a retry: before the server closed it`)
      },
    },
    'WebSocket cut 5 s': replication ? { fault: () => world.cutWebSocket(5_000) } : undefined,
    'Postgres fast stop': postgres('fast'),
    'Postgres immediate stop': postgres('immediate'),
  }
}

/** Every reader's verdict: 0 of each. Offenders are listed by reader number, so 100 readers make 5 assertions. */
export function assertReaders(t: Test, result: CaseResult): void {
  const zero: Array<[string, (r: ReaderVerdict) => number]> = [
    ['lost', (r) => r.lost], ['duplicated', (r) => r.duplicated], ['out of order', (r) => r.outOfOrder],
    ['create events whose data.id is not their entityId', (r) => r.dataMismatches],
  ]
  const n = result.readers.length
  t.ok(result.readers[0]!.committed > 20, `${result.readers[0]!.committed} changes committed`)
  for (const [what, count] of zero) {
    const offenders = result.readers.flatMap((r, i) => (count(r) ? [{ reader: i + 1, [what]: count(r) }] : []))
    t.same(offenders, [], `${n === 1 ? 'the reader' : `each of ${n} readers`}: 0 ${what}`)
  }
  const recoveries = result.readers.map((r) => r.recoveryMs / 1000)
  t.comment(`delivering again ${Math.min(...recoveries).toFixed(1)}–${Math.max(...recoveries).toFixed(1)} s after the fault began`)
}

/**
 * Runs `names` (all applicable by default; `CHAOS_CASES=name,name` narrows a run) one after
 * another, asserting per reader, and prints the fault table.
 */
export async function runFaults(t: Test, world: ChaosWorld, cluster: OwnCluster | undefined, options: MatrixOptions & { names?: string[]; calmMs?: number } = {}): Promise<void> {
  const results: CaseResult[] = []
  const chosen = process.env.CHAOS_CASES?.split(',').map((name) => name.trim())
  for (const [name, chaosCase] of Object.entries(faults(world, cluster, options))) {
    if (!chaosCase || (options.names && !options.names.includes(name)) || (chosen && !chosen.includes(name))) continue
    await t.test(`${world.source}: ${name}`, async (t) => {
      const result = await world.runCase(name, { calmMs: options.calmMs, ...chaosCase })
      results.push(result)
      assertReaders(t, result)
      chaosCase.check?.(t, result)
    })
  }
  t.comment(`fault table\n${faultTable(results)}`)
}
