import type { Test } from 'tap'
import { type CaseResult, type ChaosWorld, type OwnCluster, faultTable } from './world.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The faults of the matrix, each returning once the system is healed; `undefined` where one does not apply. */
export function faults(world: ChaosWorld, cluster: OwnCluster | undefined): Record<string, (() => Promise<void>) | undefined> {
  const replication = world.source === 'replication'
  const postgres = (mode: 'fast' | 'immediate') => cluster && (async () => {
    await cluster.crash(mode)
    await sleep(1_000)
    await cluster.restart()
  })
  return {
    'worker SIGKILL': replication ? async () => { world.killWorker(); await sleep(2_000); await world.startWorker() } : undefined,
    'API SIGKILL': async () => { world.killApi(); await sleep(2_000); await world.startApi() },
    'WebSocket cut 5 s': replication ? () => world.cutWebSocket(5_000) : undefined,
    'Postgres fast stop': postgres('fast'),
    'Postgres immediate stop': postgres('immediate'),
  }
}

/** Runs `names` (all applicable by default) one after another, asserting per reader, and prints the fault table. */
export async function runFaults(t: Test, world: ChaosWorld, cluster: OwnCluster | undefined, options: { names?: string[]; calmMs?: number } = {}): Promise<void> {
  const results: CaseResult[] = []
  for (const [name, fault] of Object.entries(faults(world, cluster))) {
    if (!fault || (options.names && !options.names.includes(name))) continue
    await t.test(`${world.source}: ${name}`, async (t) => {
      const result = await world.runCase(name, fault, options.calmMs)
      results.push(result)
      t.ok(result.readers[0]!.committed > 20, `${result.readers[0]!.committed} changes committed`)
      for (const [i, r] of result.readers.entries()) {
        t.equal(r.lost, 0, `reader ${i + 1}: 0 lost`)
        t.equal(r.duplicated, 0, `reader ${i + 1}: 0 duplicated`)
        t.equal(r.outOfOrder, 0, `reader ${i + 1}: 0 out of order`)
        t.comment(`reader ${i + 1}: delivering again ${(r.recoveryMs / 1000).toFixed(1)} s after the fault began`)
      }
    })
  }
  t.comment(`fault table\n${faultTable(results)}`)
}
