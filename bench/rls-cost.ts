import { sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../db/connection.js'
import { withTenantContext } from '../db/rls.js'
import { type Row, medianMs, round } from './lib.js'

const listSql = (orgId: string) => sql`
  select id, title, status, public_access, created_at from pages
  where organization_id = ${orgId} order by created_at desc, id limit 20`

/**
 * The cost of RLS: the 20-row org page list through the tenant context (runtime role: one
 * set_config statement + the query, in a transaction) vs the same SQL as the admin (no RLS).
 */
export async function rlsCostBench(urls: { runtimeUrl: string; adminUrl: string }): Promise<Row[]> {
  const admin = createKysely(createPool({ url: urls.adminUrl, max: 2 }))
  const runtime = createKysely(createPool({ url: urls.runtimeUrl, max: 2 }))
  try {
    const userId = uuid()
    const orgId = uuid()
    await admin.insertInto('tenants').values({ id: 'rlsben', name: 'bench' }).onConflict((oc) => oc.doNothing()).execute()
    await admin.insertInto('users').values({ id: userId, email: `${userId}@bench.local` }).execute()
    await admin.insertInto('organizations').values({ id: orgId, tenant_id: 'rlsben', name: 'b', slug: `b-${userId.slice(-8)}` }).execute()
    await admin.insertInto('memberships').values({ id: uuid(), tenant_id: 'rlsben', organization_id: orgId, user_id: userId, role: 'member' }).execute()
    await admin.insertInto('pages').values(Array.from({ length: 500 }, (_, i) => ({
      id: uuid(), tenant_id: 'rlsben', organization_id: orgId, title: `page ${i}`,
    }))).execute()

    const bare = await medianMs(() => listSql(orgId).execute(admin), 1_000, 100)
    const bareTx = await medianMs(() => admin.transaction().execute((trx) => listSql(orgId).execute(trx)), 1_000, 100)
    const rls = await medianMs(() => withTenantContext(runtime, 'rlsben', userId, (trx) => listSql(orgId).execute(trx)), 1_000, 100)
    return [
      { benchmark: 'page list (20 rows) as admin, no RLS, no transaction', value: round(bare), unit: 'ms (median)' },
      { benchmark: 'page list (20 rows) as admin, no RLS, in a transaction', value: round(bareTx), unit: 'ms (median)' },
      { benchmark: 'page list (20 rows) through the tenant RLS context', value: round(rls), unit: 'ms (median)' },
      { benchmark: 'RLS context cost ratio (RLS / bare query)', value: round(rls / bare, 2), unit: '×', detail: `vs same transaction shape: ${round(rls / bareTx, 2)}×` },
    ]
  } finally {
    await Promise.all([admin.destroy(), runtime.destroy()])
  }
}
