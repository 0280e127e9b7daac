/**
 * The floor for the RLS list read: a bare node:http server running the same SQL through pg as
 * a role without RLS, no framework, no guards. The text is the one the route's query builder
 * produces (the page and, through a window, the total). `/` uses pg as it comes (an unnamed
 * statement, planned on every call); `/prepared` a named statement, planned once per
 * connection, as Strata's runtime pool does. Env: BENCH_ADMIN_URL, BENCH_ORG_ID.
 */
import { createServer } from 'node:http'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.BENCH_ADMIN_URL, max: 10 })
pool.on('error', () => {})
const text = 'select *, count(*) over() as "full_count" from "pages" where "organization_id" = $1 '
  + 'order by "created_at" desc, "id" desc limit $2 offset $3'
const values = [process.env.BENCH_ORG_ID, 20, 0]
const server = createServer((req, res) => {
  const query = req.url === '/prepared' ? { name: 'floor', text, values } : { text, values }
  pool.query(query).then(({ rows }) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ items: rows, total: Number(rows[0]?.full_count ?? 0) }))
  }, () => { res.writeHead(500); res.end() })
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number }
  console.log(`listening http://127.0.0.1:${port}`)
})
process.on('SIGTERM', () => { server.close(); void pool.end().then(() => process.exit(0)) })
