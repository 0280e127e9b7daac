import { sql } from 'kysely'
import t from 'tap'
import { maxIngestBatch } from '../../sync/activity.js'
import { eventually } from '../helper.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// A bulk import: one transaction far larger than one ingest message; streams may buffer 256 KiB.
const { app, baseUrl, database, users, orgs } = await syncWorld(t, { streams: { maxBufferedBytes: 256 * 1024 } })
const rows = 2 * maxIngestBatch + 500

const ingestBatches = async (result: 'accepted' | 'rejected') => {
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  return Number(new RegExp(`^cdc_ingest_batches_total\\{result="${result}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0)
}

t.test('a transaction of 20,500 rows reaches an open stream whole, in order, without dropping it', async (t) => {
  const client = await openStream(`${baseUrl}/entities/app/stream`, { cookie: users.alice.cookie })
  t.teardown(() => client.close())
  await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset event')
  const acceptedBefore = await ingestBatches('accepted')
  await sql`insert into pages (id, tenant_id, organization_id, title)
    select gen_random_uuid(), 'aaaaaa', ${orgs.x}::uuid, 'bulk ' || n from generate_series(1, ${rows}) as n`.execute(database.superuser)
  await client.waitFor(() => client.changes().length >= rows, 30_000, 'every change of the transaction')
  const ids = client.events.filter((e) => e.event === 'change').map((e) => e.id!)
  t.equal(ids.length, rows, 'each row once')
  t.same(ids, [...ids].sort(), 'in cursor order')
  t.equal(new Set(ids).size, ids.length, 'no duplicate')
  const ended = await Promise.race([client.ended.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 300))])
  t.equal(ended, false, 'the stream is still open: a reader that keeps up is never dropped')
  await eventually(async () => await ingestBatches('accepted') >= acceptedBefore + 3, 10_000, 'the batches to be acknowledged')
  t.equal(await ingestBatches('accepted'), acceptedBefore + 3, 'the transaction went as three ingest messages')
  t.equal(await ingestBatches('rejected'), 0, 'none refused')
})
