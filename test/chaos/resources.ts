import { readFile, readdir } from 'node:fs/promises'

/** What a process holds, from /proc (Linux): resident memory and open file descriptors. */
export async function processUsage(pid: number): Promise<{ rssMb: number; fds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN)
  return { rssMb: rssKb / 1024, fds: (await readdir(`/proc/${pid}/fd`)).length }
}

export type Sample = Record<string, number>

export interface Trend {
  metric: string
  start: number
  end: number
  max: number
  /** The largest value of the middle third of the run (past warm-up) and of the last third. */
  middleMax: number
  lastMax: number
  /** The last third's largest value may pass the middle third's by at most this. */
  allowed: number
}

/**
 * Growth of each metric over a run: memory may rise during warm-up (the first third) and then
 * plateau, so the last third is compared with the middle third, within a generous bound per
 * metric (`slack(middleMax)`): a leak shows as a last third that keeps climbing.
 */
export function trends(samples: Sample[], slack: Record<string, (middleMax: number) => number>): Trend[] {
  const third = Math.floor(samples.length / 3)
  const max = (values: number[]) => Math.max(...values)
  return Object.entries(slack).map(([metric, allowance]) => {
    const values = samples.map((sample) => sample[metric]!)
    const middleMax = max(values.slice(third, 2 * third))
    return {
      metric, start: values[0]!, end: values.at(-1)!, max: max(values),
      middleMax, lastMax: max(values.slice(2 * third)), allowed: allowance(middleMax),
    }
  })
}

export function trendTable(rows: Trend[]): string {
  const n = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1))
  return [
    '| metric | start | end | max | max, middle third | max, last third | allowed growth |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.metric} | ${n(r.start)} | ${n(r.end)} | ${n(r.max)} | ${n(r.middleMax)} | ${n(r.lastMax)} | ${n(r.allowed)} |`),
  ].join('\n')
}
