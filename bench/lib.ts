import { type ChildProcess, spawn } from 'node:child_process'
import autocannon from 'autocannon'

export interface Row {
  benchmark: string
  value: number
  unit: string
  detail?: string
}

/** Spawns a bench server script (tsx) and resolves its URL. */
export async function spawnServer(script: string, env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
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
  return { url, child }
}

export interface LoadResult {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

/** autocannon for `seconds` with `connections`; bounded in time, loopback only. */
export async function load(url: string, options: { headers?: Record<string, string>; seconds?: number; connections?: number } = {}): Promise<LoadResult> {
  const result = await autocannon({
    url,
    headers: options.headers,
    duration: options.seconds ?? 8,
    connections: options.connections ?? 20,
    pipelining: 1,
  })
  return {
    rps: Math.round(result.requests.average),
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
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits))
