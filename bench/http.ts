import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../db/connection.js'
import { type Row, load, spawnServer } from './lib.js'
import { streamBench } from './streams.js'

export interface BenchUrls {
  runtimeUrl: string
  adminUrl: string
  cdcUrl: string
}

/**
 * HTTP under autocannon (SPEC §11): the RLS list read against a bare node:http + pg floor, the
 * cached entity read against a Fastify hello-world route, /me against /health; then the stream
 * benchmarks against the same server.
 */
export async function httpBench(urls: BenchUrls): Promise<Row[]> {
  const { url, child } = await spawnServer('bench/serve.ts', { BENCH_DATABASE_URL: urls.runtimeUrl, BENCH_CDC_URL: urls.cdcUrl })
  const admin = createKysely(createPool({ url: urls.adminUrl, max: 2 }))
  const children = [child]
  try {
    const signUp = await fetch(`${url}/auth/sign-up`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${Date.now()}@bench.local`, password: 'bench-password' }),
    })
    const userId = ((await signUp.json()) as { user: { id: string } }).user.id
    const cookie = signUp.headers.getSetCookie().find((c) => c.startsWith('strata-session='))!.split(';')[0]!
    const orgId = uuid()
    await admin.insertInto('tenants').values({ id: 'bnch01', name: 'Bench' }).execute()
    await admin.insertInto('organizations').values({ id: orgId, tenant_id: 'bnch01', name: 'Bench', slug: 'bench' }).execute()
    await admin.insertInto('memberships').values({ id: uuid(), tenant_id: 'bnch01', organization_id: orgId, user_id: userId, role: 'admin' }).execute()
    await admin.insertInto('pages').values(Array.from({ length: 500 }, (_, i) => ({
      id: uuid(), tenant_id: 'bnch01', organization_id: orgId, title: `Page ${i}`, content: 'x'.repeat(200), created_by: userId,
    }))).execute()
    const headers = { cookie, origin: url }
    const attachment = await fetch(`${url}/bnch01/bench/attachments`, {
      method: 'POST', headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 10, key: 'k' }),
    }).then((r) => r.json() as Promise<{ id: string }>)
    const floor = await spawnServer('bench/floor.ts', { BENCH_ADMIN_URL: urls.adminUrl, BENCH_ORG_ID: orgId })
    children.push(floor.child)

    const rows: Row[] = []
    const measure = async (benchmark: string, target: string, h: Record<string, string> = {}) => {
      const r = await load(target, { headers: h })
      rows.push({ benchmark, value: r.rps, unit: 'req/s', detail: `p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}` })
      return r
    }
    const hello = await measure('Fastify hello-world route', `${url}/bench/hello`)
    const hit = await measure('GET attachment by id (entity cache hit, guards cached)', `${url}/bnch01/bench/attachments/${attachment.id}`, headers)
    rows.push({ benchmark: 'cached entity read / hello-world', value: Number((hit.rps / hello.rps).toFixed(2)), unit: '×', detail: 'target ≥ 0.60' })
    const bare = await measure('bare node:http + pg, same SQL, no RLS (floor)', floor.url)
    const prepared = await measure('the floor with a named prepared statement', `${floor.url}/prepared`)
    const rls = await measure('GET /:tenantId/:orgId/pages?limit=20 (RLS list read)', `${url}/bnch01/bench/pages?limit=20&sort=createdAt&order=desc`, headers)
    rows.push({ benchmark: 'RLS list read / floor', value: Number((rls.rps / bare.rps).toFixed(2)), unit: '×', detail: 'target ≥ 0.70' })
    rows.push({ benchmark: 'RLS list read / prepared floor', value: Number((rls.rps / prepared.rps).toFixed(2)), unit: '×' })
    await measure('GET /health', `${url}/health`)
    await measure('GET /me (auth guard, session cached)', `${url}/me`, headers)

    rows.push(...await streamBench({ url, cookie, admin, orgId, serverPid: child.pid! }))
    return rows
  } finally {
    for (const c of children) c.kill('SIGTERM')
    await admin.destroy()
  }
}
