/**
 * Floor for the RLS list read: a bare `node:http` + `pg` server in its own process answering the
 * same information as `GET /:tenantId/:orgId/pages?limit=20&sort=createdAt&order=desc` (the same
 * 20 rows and the same total) as a role without RLS: no framework, no guards, no transaction, one
 * statement as pg sends it by default. The bench checks the answers match before measuring.
 * Env: BENCH_ADMIN_URL, BENCH_ORG_ID.
 */
import { createServer } from 'node:http'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.BENCH_ADMIN_URL, max: 10 })
pool.on('error', () => {})
const text = 'select *, count(*) over() as "full_count" from "pages" where "organization_id" = $1 '
  + 'order by "created_at" desc, "id" desc limit $2 offset $3'
const server = createServer((req, res) => {
  const orgId = new URL(req.url ?? '/', 'http://floor').searchParams.get('org') ?? process.env.BENCH_ORG_ID
  pool.query(text, [orgId, 20, 0]).then(({ rows }) => {
    const total = Number(rows[0]?.full_count ?? 0)
    const items = rows.map(({ full_count: _count, ...row }) => row)
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify({ items, total }))
  }, () => {
    res.writeHead(500)
    res.end()
  })
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number }
  console.log(`listening http://127.0.0.1:${port}`)
})
process.on('SIGTERM', () => {
  server.close()
  void pool.end().then(() => process.exit(0))
})
