import fp from 'fastify-plugin'

export type ReadinessCheck = () => Promise<string[]>
/** Facts `/ready` reports without judging them (e.g. the CDC worker's health, a cluster-level fact). */
export type ReadinessInfo = () => Promise<Record<string, unknown>>

declare module 'fastify' {
  interface FastifyInstance {
    /** Named checks behind `GET /ready`; each returns its problems (empty = ready). */
    readiness: {
      add(name: string, check: ReadinessCheck): void
      info(name: string, facts: ReadinessInfo): void
      run(): Promise<{ ready: boolean; checks: Record<string, string[]>; info: Record<string, Record<string, unknown>> }>
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

/** The facts, or `{ error }` when reading them failed or timed out. */
async function factsOf(read: ReadinessInfo): Promise<Record<string, unknown>> {
  let facts: Record<string, unknown> = {}
  const [problem] = await runOne(async () => { facts = await read(); return [] })
  return problem ? { error: problem } : facts
}

/** Registry of readiness checks and facts; plugins add theirs (database, migrations, catalog, sync). */
export default fp(async (fastify) => {
  const checks = new Map<string, ReadinessCheck>()
  const infos = new Map<string, ReadinessInfo>()
  fastify.decorate('readiness', {
    add(name: string, check: ReadinessCheck) {
      checks.set(name, check)
    },
    info(name: string, facts: ReadinessInfo) {
      infos.set(name, facts)
    },
    async run() {
      const [entries, facts] = await Promise.all([
        Promise.all([...checks].map(async ([name, check]) => [name, await runOne(check)] as const)),
        Promise.all([...infos].map(async ([name, read]) => [name, await factsOf(read)] as const)),
      ])
      const results = Object.fromEntries(entries)
      return { ready: entries.every(([, problems]) => problems.length === 0), checks: results, info: Object.fromEntries(facts) }
    },
  })
}, { name: 'readiness' })
