import t from 'tap'
import { as } from '../helper.js'
import { world } from '../routes/world.js'

// Attack on list query shapes compiled once (db/query-template.ts, entities/routes.ts): many
// requests at once, of two organizations in two tenants, over every combination of sort, order,
// filter, search and count preference; each must get exactly its own organization's rows that
// match its own values, in its own order. Hostile sort/order/filter values are refused.
const { app, users } = await world(t)
const alice = as(app, users.alice)
const carol = as(app, users.carol)

interface Page { id: string; title: string; status: string; createdAt: string }
const seed = async (client: typeof alice, path: string, prefix: string) => {
  const created: Page[] = []
  for (const [i, title] of ['a\'b', 'c\\d', 'e%f', 'g_h', 'ij', 'kl'].entries()) {
    const res = await client('POST', path, { title: `${prefix} ${title}`, status: i % 2 === 0 ? 'draft' : 'published' })
    if (res.statusCode !== 201) throw new Error(`seeding: ${res.statusCode} ${res.body}`)
    created.push(res.json())
  }
  return created
}
const orgs = [
  { client: alice, path: '/aaaaaa/org-x/pages', rows: await seed(alice, '/aaaaaa/org-x/pages', 'X') },
  { client: carol, path: '/bbbbbb/org-z/pages', rows: await seed(carol, '/bbbbbb/org-z/pages', 'Z') },
]

/** What a list request must answer, from the rows themselves (ties broken by id, like the route). */
function expected(rows: Page[], q: { sort: 'title' | 'createdAt' | 'status'; order: 'asc' | 'desc'; status?: string; search?: string; limit: number; offset: number }) {
  const matches = rows.filter((r) => (q.status === undefined || r.status === q.status) && (q.search === undefined || r.title.toLowerCase().includes(q.search.toLowerCase())))
  const key = (r: Page) => [r[q.sort], r.id] as const
  const sorted = [...matches].sort((a, b) => {
    const [ka, ia] = key(a)
    const [kb, ib] = key(b)
    const c = ka === kb ? (ia < ib ? -1 : 1) : Buffer.compare(Buffer.from(ka), Buffer.from(kb))
    return q.order === 'asc' ? c : -c
  })
  return { ids: sorted.slice(q.offset, q.offset + q.limit).map((r) => r.id), total: matches.length }
}

t.test('concurrent list requests of every shape each get their own values', async (t) => {
  type Query = Parameters<typeof expected>[1]
  const cases: Array<{ org: typeof orgs[number]; q: Query; prefer: string | undefined }> = []
  for (const org of orgs) {
    for (const sort of ['title', 'createdAt', 'status'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        for (const status of [undefined, 'draft', 'published']) {
          for (const search of [undefined, "'", '\\', '%', '_', 'j']) {
            for (const prefer of [undefined, 'count=exact']) {
              const limit: number = 1 + (cases.length % 4)
              const offset: number = cases.length % 3
              cases.push({ org, q: { sort, order, status, search, limit, offset }, prefer })
            }
          }
        }
      }
    }
  }
  // In waves, so requests of different shapes and organizations overlap on the pool.
  for (let at = 0; at < cases.length; at += 24) {
    const wave = cases.slice(at, at + 24)
    const answers = await Promise.all(wave.map(({ org, q, prefer }) => {
      const params = new URLSearchParams({ sort: q.sort, order: q.order, limit: String(q.limit), offset: String(q.offset) })
      if (q.status) params.set('status', q.status)
      if (q.search) params.set('q', q.search)
      return org.client('GET', `${org.path}?${params}`, undefined, prefer ? { prefer } : {})
    }))
    for (const [i, res] of answers.entries()) {
      const { org, q } = wave[i]!
      t.equal(res.statusCode, 200)
      const body = res.json() as { items: Page[]; total: number }
      const want = expected(org.rows, q)
      if (body.total !== want.total || JSON.stringify(body.items.map((p) => p.id)) !== JSON.stringify(want.ids)) {
        t.fail(`${org.path} ${JSON.stringify(q)}`, { found: { ids: body.items.map((p) => p.id), total: body.total }, wanted: want })
      }
    }
  }
  t.pass(`${cases.length} requests checked`)
})

t.test('sort, order and filters outside their enums are refused, not spliced into SQL', async (t) => {
  for (const query of ['sort=title;drop table pages', 'sort=title%20desc', 'order=asc,id', 'order=desc--', 'status=draft%27%20or%201=1--',
    'sort=title&sort=status', 'status=draft&status=published', 'sort=__proto__', 'sort=constructor', 'sort=toString']) {
    const res = await alice('GET', `/aaaaaa/org-x/pages?${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().error.type, 'validation_error', `${query}: the error shape`)
  }
  t.equal((await alice('GET', '/aaaaaa/org-x/pages')).json().total, 6, 'the table is intact')
})
