import { sql } from 'kysely'
import t from 'tap'
import { createKysely, createPool } from '../../db/connection.js'
import { withContext } from '../../db/rls.js'
import { type ActivityRow, toActivity } from '../../sync/activity.js'
import { ActivityBus } from '../../sync/activity-bus.js'
import { testDatabase } from '../helper.js'

const database = await testDatabase(t)
await database.superuser.insertInto('tenants').values({ id: 'aaaaaa', name: 'A' }).execute()
const runtime = createKysely(createPool({ url: database.runtimeUrl, max: 2 }))
t.teardown(() => runtime.destroy())

// The bus reads the change log as the API does; the reader only counts its reads and says when one starts.
let reads = 0
let reading: (() => void) | undefined
const bus = new ActivityBus(async (after, limit) => {
  reads++
  reading?.()
  const { rows } = await withContext(runtime, { kind: 'sync' },
    (trx) => sql<ActivityRow>`select * from app.activities_after(${after}, ${limit})`.execute(trx), { readOnly: true })
  return rows.map(toActivity)
}, '')
const published: string[] = []
bus.on('activity', (activity) => published.push(activity.cursor))

let committed = 0
/** Commits one activity to the change log, as the CDC worker does; its cursor. */
async function commit(): Promise<string> {
  const cursor = `${(++committed).toString(16).toUpperCase().padStart(16, '0')}-000000`
  await sql`insert into activities (id, tenant_id, entity_type, entity_id, action)
    values (${cursor}, 'aaaaaa', 'page', gen_random_uuid()::text, 'create')`.execute(database.superuser)
  return cursor
}
const readStarts = () => new Promise<void>((resolve) => { reading = resolve })

t.test('a wake-up for a cursor the bus has published reads nothing', async (t) => {
  const cursor = await commit()
  await bus.catchUp(cursor)
  const before = reads
  await bus.catchUp(cursor)
  t.equal(reads, before, 'no read')
  t.same(published, [cursor])
})

t.test('the second wake-up of a commit (its NOTIFY and its CDC batch), arriving during the first read, reads nothing', async (t) => {
  const cursor = await commit()
  const before = reads
  const started = readStarts()
  const first = bus.catchUp(cursor)
  await started
  const second = bus.catchUp(cursor)
  await Promise.all([first, second])
  t.equal(reads - before, 1, 'one read')
  t.same(published.slice(-1), [cursor], 'published once')
})

t.test('a wake-up for a later commit, or without a cursor, during a read still reads', async (t) => {
  const first = await commit()
  const before = reads
  const started = readStarts()
  const reading = bus.catchUp(first)
  await started
  const later = await commit()
  const wakeLater = bus.catchUp(later)
  const wakeAny = bus.catchUp()
  await Promise.all([reading, wakeLater, wakeAny])
  t.equal(reads - before, 2, 'the waiting catch-up reads')
  t.same(published.slice(-2), [first, later], 'both published, in order')
  t.equal(new Set(published).size, published.length, 'none twice')
})
