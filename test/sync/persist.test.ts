import t from 'tap'
import { createKysely, createPool } from '../../db/connection.js'
import { persistCommitted } from '../../sync/persist.js'
import { testDatabase } from '../helper.js'

// The CDC worker's write of a decoded transaction (SPEC §8). Logical decoding sends a transaction
// once its commit is flushed, a moment before other sessions see it: an activity whose tenant that
// transaction created can meet a foreign key that fails although the tenant is committed.

const database = await testDatabase(t)
const cdc = createKysely(createPool({ url: database.cdcUrl, max: 2 }))
t.teardown(() => cdc.destroy())

const tenantCreated = (tenantId: string, commitLsn: string) => ({
  commitLsn, commitTime: new Date(),
  changes: [{ action: 'create' as const, entityType: 'tenant', entityId: tenantId, tenantId, organizationId: null, userId: null, changedFields: null, before: null, after: null, row: null }],
})

t.test('a tenant that becomes visible a moment later: retried, written once', async (t) => {
  // The tenant's row appears 25 ms after the first attempt, as a just-committed transaction's would.
  const visible = new Promise<void>((resolve) => setTimeout(() => {
    void database.superuser.insertInto('tenants').values({ id: 'late01', name: 'Late' }).execute().then(() => resolve())
  }, 25))
  const activities = await persistCommitted(cdc, tenantCreated('late01', '0/A0000000'))
  await visible
  t.same(activities.map((a) => [a.entityType, a.tenantId]), [['tenant', 'late01']])
  t.equal((await database.superuser.selectFrom('activities').select('id').where('tenant_id', '=', 'late01').execute()).length, 1)
})

t.test('a tenant that never appears: the foreign key error, after the retries', async (t) => {
  await t.rejects(persistCommitted(cdc, tenantCreated('never1', '0/B0000000'), [5, 5]), { code: '23503' })
  t.equal((await database.superuser.selectFrom('activities').select('id').where('tenant_id', '=', 'never1').execute()).length, 0, 'nothing half-written')
})
