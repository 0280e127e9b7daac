import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { createKysely, createPool, createRuntimePool, deferrable } from '../../db/connection.js'
import { type RlsContext, withContext } from '../../db/rls.js'
import type { DB } from '../../db/schema.js'
import { testDatabase } from '../helper.js'

// The API's query path (`runtimeQueryPath`): BEGIN + context deferred to the first query and
// pipelined with it. Pools of one connection, so anything left behind shows in the next use.
const database = await testDatabase(t)
const pool = createRuntimePool({ url: database.runtimeUrl, max: 1 })
const runtime = createKysely(pool)
t.teardown(() => runtime.destroy())

const alice: RlsContext = { kind: 'user', userId: '01900000-0000-7000-8000-00000000a11c' }
/** The user setting the connection sees (null when unset) and its transaction's id. */
const settings = (db: Kysely<DB>) => sql<{ user_id: string | null; xid: string }>`
  select nullif(current_setting('app.user_id', true), '') as user_id, txid_current()::text as xid`
  .execute(db).then((r) => r.rows[0]!)

t.test('the queries of one context share one transaction, with the context set', async (t) => {
  const [first, second] = await withContext(runtime, alice, async (trx) => [await settings(trx), await settings(trx)])
  t.equal(first!.user_id, alice.userId, 'the first query sees the context')
  t.equal(second!.xid, first!.xid, 'the second query runs in the same transaction')
  const after = await settings(runtime)
  t.equal(after.user_id, null, 'nothing is left on the connection afterwards')
  t.not(after.xid, first!.xid, 'the transaction has ended')
})

t.test('a context whose work runs no query leaves nothing behind', async (t) => {
  t.equal(await withContext(runtime, alice, async () => 42), 42)
  await t.rejects(withContext(runtime, alice, async () => { throw new Error('before any query') }), /before any query/)
  t.equal((await settings(runtime)).user_id, null, 'the next query runs without a context')
})

t.test('a deferred statement followed only by its COMMIT or ROLLBACK is never sent', async (t) => {
  // A session-level setting: had the statement run, it would outlive the (absent) transaction.
  const probe = () => sql<{ v: string }>`select current_setting('app.probe', true) as v`.execute(runtime).then((r) => r.rows[0]!.v ?? '')
  for (const end of ['commit', 'rollback']) {
    const client = await pool.connect()
    try {
      await client.query(deferrable("select set_config('app.probe', 'sent', false)"))
      await client.query(end)
    } finally {
      client.release()
    }
    t.equal(await probe(), '', `not sent before a ${end}`)
  }
})

t.test('a read-only context refuses writes', async (t) => {
  await t.rejects(withContext(runtime, alice, (trx) => sql`create temporary table scratch (n int)`.execute(trx), { readOnly: true }), { code: '25006' })
  t.equal((await withContext(runtime, alice, (trx) => settings(trx), { readOnly: true })).user_id, alice.userId, 'reads work')
  t.equal((await settings(runtime)).user_id, null)
})

t.test('a failing query rolls the context back', async (t) => {
  await t.rejects(withContext(runtime, alice, (trx) => sql`select 1 / 0`.execute(trx)), { code: '22012' })
  const state = await settings(runtime)
  t.equal(state.user_id, null, 'no context after the rollback')
  t.equal((await sql<{ n: number }>`select 1 as n`.execute(runtime)).rows[0]!.n, 1, 'the connection is usable')
})

t.test('a deferred statement never outlives its user of the connection', async (t) => {
  const client = await pool.connect()
  await client.query(deferrable(`begin; select set_config('app.user_id', '${alice.userId}', true)`))
  client.release()
  const state = await settings(runtime)
  t.equal(state.user_id, null, 'the next user of the connection gets no context and no open transaction')
})

t.test('the deferred statement goes first whatever form the next query takes', async (t) => {
  const client = await pool.connect()
  try {
    await client.query(deferrable(`begin; select set_config('app.user_id', '${alice.userId}', true)`))
    const { rows } = await client.query<{ user_id: string }>({ text: "select current_setting('app.user_id', true) as user_id" })
    t.equal(rows[0]!.user_id, alice.userId, 'a query given as a config object runs inside the context')
    await client.query('rollback')
  } finally {
    client.release()
  }
  t.equal((await settings(runtime)).user_id, null)
})

t.test('concurrent contexts on a pipelined pool each see their own settings', async (t) => {
  const shared = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 2 }))
  t.teardown(() => shared.destroy())
  const ids = Array.from({ length: 40 }, (_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`)
  const seen = await Promise.all(ids.map((userId) =>
    withContext(shared, { kind: 'user', userId }, async (trx) => {
      const first = await settings(trx)
      const second = await settings(trx)
      return { userId, first, second }
    })))
  t.ok(seen.every((s) => s.first.user_id === s.userId && s.second.user_id === s.userId), 'no context crosses to another transaction')
  t.ok(seen.every((s) => s.first.xid === s.second.xid), 'each context keeps one transaction')
})

t.test('on a plain pool the deferrable statement simply runs', async (t) => {
  const plain = createKysely(createPool({ url: database.runtimeUrl, max: 1 }))
  t.teardown(() => plain.destroy())
  const inside = await withContext(plain, alice, (trx) => settings(trx))
  t.equal(inside.user_id, alice.userId)
  t.equal((await settings(plain)).user_id, null)
})

t.test('a statement is planned once per connection: every run after the first uses the cached generic plan', async (t) => {
  // A list's shape under RLS: a `limit $n` makes Postgres' default replan it with its values on every run.
  const list = (trx: Kysely<DB>, limit: number) => trx.selectFrom('pages').select('id')
    .where('organization_id', '=', '01900000-0000-7000-8000-0000000000aa').orderBy('created_at', 'desc').limit(limit).execute()
  for (let i = 0; i < 12; i++) await withContext(runtime, alice, (trx) => list(trx, 20 + i))
  const plans = await sql<{ generic: string; custom: string }>`
    select coalesce(sum(generic_plans), 0)::text as generic, coalesce(sum(custom_plans), 0)::text as custom
    from pg_prepared_statements where statement like '%from "pages"%'`.execute(runtime).then((r) => r.rows[0]!)
  t.equal(plans.custom, '0', 'no run was planned for its values')
  t.equal(plans.generic, '12', 'every run used the generic plan')
})

t.test('context values are set verbatim: quotes, backslashes and statements in them stay data', async (t) => {
  const hostile = "x'; set local app.user_id = '01900000-0000-7000-8000-0000000000ee'; select '\\"
  const seen = await withContext(runtime, { kind: 'public', tenantId: hostile }, (trx) => sql<{ tenant: string; user: string }>`
    select current_setting('app.tenant_id', true) as tenant, current_setting('app.user_id', true) as user`.execute(trx).then((r) => r.rows[0]!))
    .catch((error: unknown) => error)
  t.same(seen, { tenant: hostile, user: '' }, 'the tenant setting holds the whole value; no other setting changed')
})

t.test('read-only contexts, whose COMMIT is not waited for, end before the next user of the connection starts', async (t) => {
  const ids = Array.from({ length: 20 }, (_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`)
  // One connection: each context's COMMIT is still on its way when the next one opens.
  const seen = await Promise.all(ids.map((userId) => withContext(runtime, { kind: 'user', userId }, (trx) => settings(trx), { readOnly: true })))
  t.same(seen.map((s) => s.user_id), ids, 'each context sees its own user')
  t.equal(new Set(seen.map((s) => s.xid)).size, ids.length, 'each in its own transaction')
  const readOnly = await withContext(runtime, alice, (trx) => sql<{ ro: string }>`select current_setting('transaction_read_only') as ro`.execute(trx))
  t.equal(readOnly.rows[0]!.ro, 'off', 'a read-write context after them is not inside a read-only transaction')
  t.equal((await settings(runtime)).user_id, null, 'nothing is left on the connection')
})
