import { type Row, load, spawnServer } from './lib.js'

/** HTTP under autocannon: the framework floor, liveness, and a guarded route that loads a session. */
export async function httpBench(runtimeUrl: string): Promise<Row[]> {
  const { url, child } = await spawnServer('bench/serve.ts', { BENCH_DATABASE_URL: runtimeUrl })
  try {
    const signUp = await fetch(`${url}/auth/sign-up`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${Date.now()}@bench.local`, password: 'bench-password' }),
    })
    const cookie = signUp.headers.getSetCookie().find((c) => c.startsWith('strata-session='))!.split(';')[0]!
    const rows: Row[] = []
    for (const [name, path, headers] of [
      ['hello-world route (framework floor)', '/bench/hello', {}],
      ['GET /health', '/health', {}],
      ['GET /me (auth guard: session + user lookup)', '/me', { cookie }],
    ] as const) {
      const r = await load(`${url}${path}`, { headers })
      rows.push({ benchmark: name, value: r.rps, unit: 'req/s', detail: `p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}` })
    }
    return rows
  } finally {
    child.kill('SIGTERM')
  }
}
