/** A V8 CPU profile (`.cpuprofile`, as `node --cpu-prof` writes it). */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>
  samples: number[]
  timeDeltas: number[]
}

/**
 * Where a frame's time belongs, by its file (first match wins). The features of the request path
 * named by issue 16 come first; what is left is the framework, Node itself or the rest.
 */
const categories: Array<[string, RegExp, RegExp?]> = [
  ['headers/helmet', /\/helmet\/|plugins\/external\/helmet/],
  ['metrics', /prom-client|plugins\/app\/metrics/],
  ['request id', /lib\/logger\.ts/, /^(genReqId|requestIdOf)$/],
  ['CORS', /@fastify\/cors|plugins\/external\/cors/],
  ['under-pressure', /under-pressure/],
  ['CSRF', /plugins\/app\/csrf/],
  ['cookie', /@fastify\/cookie|\/cookie-signature\/|\/cookie\/index|plugins\/external\/cookie/],
  ['rate limit', /rate-limit/],
  ['guards/caches', /plugins\/app\/(guards|auth|caches|lookup-caches|entity-cache|tenancy|db)\.ts|lib\/(permissions|cache|singleflight)\.ts|lru-cache|db\/(rls|sessions|tenants|members)\.ts/],
  ['serialization', /fast-json-stringify|fastify-type-provider-zod|\/zod\/|fastify\/lib\/(schemas|validation)|fast-uri|ajv/],
  ['logging', /\/pino|sonic-boom|thread-stream|fast-redact|lib\/logger\.ts/],
  ['other app plugins (errors, idempotency, validation, …)', /plugins\/app\/|lib\/errors\.ts/],
  ['routes (handlers)', /\/work\/main\/(routes|lib|entities)\//],
  ['reply: send, headers, write (fastify reply.js → node:http)', /node_modules\/fastify\/lib\/reply\.js/],
  ['database (pg, kysely)', /node_modules\/(pg|pg-[a-z-]+|postgres-[a-z-]+|kysely)\/|db\/connection\.ts/],
  ['fastify core (routing, hooks, request/reply)', /node_modules\/(fastify|find-my-way|avvio|light-my-request|@fastify\/[a-z-]+|fastify-plugin)\//],
  ['node http/net/streams', /^node:/],
]

export function categoryOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return functionName
  for (const [name, file, fn] of categories) if (file.test(url) && (!fn || fn.test(functionName))) return name
  if (url === '') return 'V8 builtins / native'
  return 'other dependencies'
}

/**
 * Code that works for whoever calls it: a sample in it is charged to the nearest caller outside
 * these (helmet's `setHeader` counts for helmet). Fastify's hook runner is not one of them, so
 * what runs after a hook's `done()` is not charged to that hook.
 */
const generic = new Set(['node http/net/streams', 'V8 builtins / native', 'other dependencies'])
const place = (url: string, line: number) => `${url.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\//, '')}:${line + 1}`

export interface Share {
  name: string
  samples: number
  percent: number
}

export interface ProfileSummary {
  /** Samples of work (idle excluded). */
  busy: number
  /** Top functions by self time. */
  selfTop: Share[]
  /** Self time by category of the function itself. */
  selfByCategory: Share[]
  /**
   * Every sample charged to the nearest frame on its stack that is not generic code (node:http,
   * V8 builtins, other libraries): a header set by helmet's hook counts for helmet, a socket
   * write under Fastify's reply for the reply. Samples with no such frame keep their own category.
   */
  byFeature: Share[]
}

export function summarize(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id)
  const counts = new Map<number, number>()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)

  const self = new Map<string, number>()
  const selfCategory = new Map<string, number>()
  const feature = new Map<string, number>()
  let busy = 0
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n)
  for (const [id, n] of counts) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    const category = categoryOf(url, functionName)
    if (category === '(idle)') continue
    busy += n
    add(self, `${functionName || '(anonymous)'}${url ? ` ${place(url, lineNumber)}` : ''} [${category}]`, n)
    add(selfCategory, category, n)
    let charged = category
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame
      const c = categoryOf(frame.url, frame.functionName)
      if (c === '(root)') break
      if (!generic.has(c)) {
        charged = c
        break
      }
    }
    add(feature, charged, n)
  }
  const shares = (map: Map<string, number>, limit = Number.POSITIVE_INFINITY): Share[] => [...map]
    .sort((a, b) => b[1] - a[1]).slice(0, limit)
    .map(([name, samples]) => ({ name, samples, percent: (100 * samples) / busy }))
  return { busy, selfTop: shares(self, top), selfByCategory: shares(selfCategory), byFeature: shares(feature) }
}
