import { type Kysely, sql } from 'kysely'
import t from 'tap'
import { createKysely, createRuntimePool } from '../../db/connection.js'
import { withContext } from '../../db/rls.js'
import type { DB } from '../../db/schema.js'
import { testDatabase } from '../helper.js'

// Attack on the RLS opener (db/rls.ts: `begin; set local app.x = <escaped literal>; …` as one
// simple query): no value may end the statement, set another setting, or leave anything behind
// on the (single) pooled connection for its next user.
const database = await testDatabase(t)
const runtime = createKysely(createRuntimePool({ url: database.runtimeUrl, max: 1 }))
t.teardown(() => runtime.destroy())

const settings = (db: Kysely<DB>) => sql<{ tenant: string | null; user: string | null; auth: string | null; sync: string | null }>`
  select current_setting('app.tenant_id', true) as tenant, current_setting('app.user_id', true) as user,
    current_setting('app.is_authenticated', true) as auth, current_setting('app.sync_reader', true) as sync`
  .execute(db).then((r) => r.rows[0]!)

const hostile = [
  "'", "''", '\\', "\\'", "x\\'; set local app.sync_reader = 'true'; --", "E'\\x27; select 1; --",
  "$$; set local app.sync_reader = 'true'; $$", '/* ', "*/ set local app.is_authenticated = 'true'",
  "x'\n; set app.user_id = 'u", 'тенант 🙂 \u202e', '\\\\\'\\', 'a'.repeat(100_000), ' ', '',
]

t.test('hostile tenant and user ids are set verbatim; no other setting changes; nothing outlives the transaction', async (t) => {
  for (const value of hostile) {
    for (const readOnly of [false, true]) {
      const tenant = await withContext(runtime, { kind: 'public', tenantId: value }, settings, { readOnly })
      t.same(tenant, { tenant: value, user: '', auth: 'false', sync: '' }, `public context, tenant ${JSON.stringify(value.slice(0, 40))}`)
      const user = await withContext(runtime, { kind: 'user', userId: value }, settings, { readOnly })
      t.same(user, { tenant: '', user: value, auth: 'true', sync: '' }, `user context, user ${JSON.stringify(value.slice(0, 40))}`)
    }
  }
  const after = await settings(runtime)
  t.ok(Object.values(after).every((v) => !v), 'the connection holds no context afterwards')
})

t.test('a NUL in a value fails closed and leaves the connection clean for its next user', async (t) => {
  for (const readOnly of [false, true]) {
    await t.rejects(withContext(runtime, { kind: 'user', userId: "a\u0000'; set local app.sync_reader = 'true" }, settings, { readOnly }))
    const next = await withContext(runtime, { kind: 'public', tenantId: 'next' }, settings, { readOnly })
    t.same(next, { tenant: 'next', user: '', auth: 'false', sync: '' }, 'the next context is exactly its own')
    const outside = await settings(runtime)
    t.ok(Object.values(outside).every((v) => !v), 'no setting outside a transaction')
  }
})
