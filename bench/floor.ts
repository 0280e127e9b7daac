/**
 * The floor for the RLS list read: a bare node:http server running the same SQL through pg as
 * a role without RLS, no framework, no guards. Env: BENCH_ADMIN_URL, BENCH_ORG_ID.
 */
import { createServer } from 'node:http'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.BENCH_ADMIN_URL, max: 10 })
pool.on('error', () => {})
const orgId = process.env.BENCH_ORG_ID
const server = createServer((req, res) => {
  pool.query(`select id, tenant_id, organization_id, title, content, status, public_access, created_by, created_at, updated_at
    from pages where organization_id = $1 order by created_at desc, id desc limit 20`, [orgId]).then(({ rows }) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ items: rows, total: rows.length }))
  }, () => { res.writeHead(500); res.end() })
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number }
  console.log(`listening http://127.0.0.1:${port}`)
})
process.on('SIGTERM', () => { server.close(); void pool.end().then(() => process.exit(0)) })
