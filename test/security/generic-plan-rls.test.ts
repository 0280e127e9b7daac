import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { createKysely, createPool, createRuntimePool } from '../../db/connection.js'
import { type RlsContext, withContext } from '../../db/rls.js'
import type { DB } from '../../db/schema.js'
import { seedTenants } from '../db/fixtures.js'
import { testDatabase } from '../helper.js'

// Attack on generic plans (db/connection.ts: `plan_cache_mode = force_generic_plan`) and the
// unawaited COMMIT of read-only contexts: one pooled connection's cached plan, built under one
// context, must show each later context its own rows, exactly as a freshly planned query does.
const database = await testDatabase(t)
const { users, orgs } = await seedTenants(database.superuser)
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
// The same role, planned afresh on every statement (no prepared statements, default plan mode).
const fresh = createKysely(createPool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => Promise.all([runtime.destroy(), fresh.destroy()]))

const contexts: RlsContext[] = [
  { kind: 'tenant', tenantId: 'aaaaaa', userId: users.alice },
  { kind: 'tenant', tenantId: 'aaaaaa', userId: users.bob },
  { kind: 'tenant', tenantId: 'bbbbbb', userId: users.carol },
  { kind: 'tenant', tenantId: 'bbbbbb', userId: users.dave },
  { kind: 'public', tenantId: 'aaaaaa' },
  { kind: 'public', tenantId: 'bbbbbb' },
  { kind: 'user', userId: users.dave },
  { kind: 'tenant', tenantId: 'aaaaaa', userId: users.carol },
]

// Parameterized (so a named prepared statement with a generic plan on the runtime pool).
const visible = (db: Kysely<DB>) => sql<{ ids: string }>`
  select coalesce(string_agg(id::text, ',' order by id), '') as ids from (
    select id from pages where organization_id = any(${[orgs.x, orgs.y, orgs.z]}::uuid[])
    union all select id from attachments where size > ${0}
    union all select id from memberships where role <> ${'none'}
    union all select id from organizations where slug <> ${''}) v`.execute(db).then((r) => r.rows[0]!.ids)

const expected = new Map<RlsContext, string>()

t.test('a generic plan cached on a connection shows every later context its own rows only', async (t) => {
  for (const context of contexts) {
    const { rows: [plan] } = await withContext(fresh, context, (trx) => sql<{ mode: string }>`select current_setting('plan_cache_mode') as mode`.execute(trx))
    t.equal(plan!.mode, 'auto', 'the reference connection plans as by default')
    expected.set(context, await withContext(fresh, context, visible))
  }
  t.not(expected.get(contexts[0]!), expected.get(contexts[2]!), 'the contexts see different rows (the probe means something)')
  for (let round = 0; round < 3; round++) {
    for (const readOnly of [false, true]) {
      // Sequentially, then all at once (read-only: each COMMIT still on its way as the next opens).
      for (const context of contexts) t.equal(await withContext(runtime, context, visible, { readOnly }), expected.get(context), `round ${round} ${context.kind} ${readOnly ? 'read-only' : ''}`)
      const seen = await Promise.all(contexts.map((context) => withContext(runtime, context, visible, { readOnly })))
      t.same(seen, contexts.map((c) => expected.get(c)), `round ${round}: concurrent contexts on one connection`)
    }
  }
  const { rows: [mode] } = await sql<{ mode: string }>`select current_setting('plan_cache_mode') as mode`.execute(runtime)
  t.equal(mode!.mode, 'force_generic_plan', 'the runtime connection did use generic plans')
})

t.test('a read-only context whose query failed (caught in its work) or that threw leaves nothing to the next user', async (t) => {
  const failing = (trx: Kysely<DB>) => sql`select ${'not-a-uuid'}::uuid`.execute(trx)
  for (let i = 0; i < 3; i++) {
    const caught = await withContext(runtime, contexts[0]!, (trx) => failing(trx).then(() => 'ran', () => 'failed'), { readOnly: true })
    t.equal(caught, 'failed')
    await t.rejects(withContext(runtime, contexts[2]!, failing, { readOnly: true }))
    // At once: the next context is opened while the failed one's COMMIT is still on its way.
    const [, next] = await Promise.all([
      withContext(runtime, contexts[0]!, (trx) => failing(trx).catch(() => null), { readOnly: true }),
      withContext(runtime, contexts[2]!, visible, { readOnly: true }),
    ])
    t.equal(next, expected.get(contexts[2]!), 'the next context sees its own rows, in a transaction of its own')
    const writable = await withContext(runtime, contexts[1]!, (trx) => sql<{ ro: string }>`select current_setting('transaction_read_only') as ro`.execute(trx))
    t.equal(writable.rows[0]!.ro, 'off', 'a read-write context after them is not read-only')
  }
})
