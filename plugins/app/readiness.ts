import fp from 'fastify-plugin'

export type ReadinessCheck = () => Promise<string[]>

declare module 'fastify' {
  interface FastifyInstance {
    /** Named checks behind `GET /ready`; each returns its problems (empty = ready). */
    readiness: {
      add(name: string, check: ReadinessCheck): void
      run(): Promise<{ ready: boolean; checks: Record<string, string[]> }>
    }
  }
}

const checkTimeoutMs = 2_000

async function runOne(check: ReadinessCheck): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([`timed out after ${checkTimeoutMs} ms`]), checkTimeoutMs)
  })
  try {
    return await Promise.race([check().catch((err: Error) => [err.message || String(err)]), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Registry of readiness checks; plugins add theirs (database, migrations, catalog, CDC). */
export default fp(async (fastify) => {
  const checks = new Map<string, ReadinessCheck>()
  fastify.decorate('readiness', {
    add(name: string, check: ReadinessCheck) {
      checks.set(name, check)
    },
    async run() {
      const entries = await Promise.all([...checks].map(async ([name, check]) => [name, await runOne(check)] as const))
      const results = Object.fromEntries(entries)
      return { ready: entries.every(([, problems]) => problems.length === 0), checks: results }
    },
  })
}, { name: 'readiness' })
