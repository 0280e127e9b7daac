import { sql } from 'kysely'
import t from 'tap'
import { type Teardown, as, eventually, syncOptions, testDatabase } from '../helper.js'
import { world } from '../routes/world.js'
import { openStream } from '../sse-client.js'
import { syncWorld } from './sync-world.js'

// Issue 18.3: a public subscriber gets a delete whenever a row leaves its view, whenever it
// connected; a row that was never public never shows, not even as a delete. On both sync sources.

async function notifyWorld(t: Teardown) {
  const database = await testDatabase(t)
  await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
  const w = await world(t, syncOptions(database, 'notify'), { database })
  return { ...w, baseUrl: await w.app.listen({ port: 0, host: '127.0.0.1' }) }
}

for (const source of ['replication', 'notify'] as const) {
  t.test(`${source} source`, async (t) => {
    const { app, baseUrl, users } = source === 'replication' ? await syncWorld(t) : await notifyWorld(t)
    const alice = as(app, users.alice)
    const createPage = async (title: string, isPublic: boolean) => {
      const res = await alice('POST', '/aaaaaa/org-x/pages', { title, status: 'published', publicAccess: isPublic })
      if (res.statusCode !== 201) throw new Error(res.body)
      return (res.json() as { id: string }).id
    }
    const deletePage = async (id: string) => t.equal((await alice('DELETE', '/aaaaaa/org-x/pages', { ids: [id] })).statusCode, 200)
    const makePrivate = async (id: string) => t.equal((await alice('PUT', `/aaaaaa/org-x/pages/${id}`, { publicAccess: false })).statusCode, 200)
    const publicStream = async (headers: Record<string, string> = {}) => {
      const client = await openStream(`${baseUrl}/public/aaaaaa/stream`, headers)
      t.teardown(() => client.close())
      await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset')
      return client
    }
    const pageEvents = (client: Awaited<ReturnType<typeof publicStream>>, id: string) =>
      client.changes().filter((c) => c.entityId === id).map((c) => c.action)
    /** Waits for a public page created after everything else, so anything before it has been dispatched. */
    const settle = async (client: Awaited<ReturnType<typeof publicStream>>) => {
      const marker = await createPage('marker', true)
      await client.waitFor(() => pageEvents(client, marker).length > 0, 10_000, 'the marker')
    }

    // Public while no public stream was open: this instance never saw them as public.
    const published = new Set<string>()
    app.activityBus!.on('activity', (a) => { published.add(a.entityId) })
    const madePrivate = await createPage('public, then private', true)
    const deleted = await createPage('public, then deleted', true)
    const secret = await createPage('never public', false)
    await eventually(() => published.has(secret), 10_000, 'the bus')
    const before = app.activityBus!.cursor

    const live = await publicStream({ 'last-event-id': 'now' })
    await makePrivate(madePrivate)
    await deletePage(deleted)
    await makePrivate(secret)
    await deletePage(secret)
    await live.waitFor(() => pageEvents(live, madePrivate).length > 0 && pageEvents(live, deleted).length > 0, 10_000, 'the deletes')
    await settle(live)
    t.same(pageEvents(live, madePrivate), ['delete'], 'made private: a delete')
    t.same(pageEvents(live, deleted), ['delete'], 'deleted: a delete')
    t.same(pageEvents(live, secret), [], 'never public: no event at all')

    // A replay from before the changes carries the same deletes, and nothing of the secret page.
    const replay = await publicStream({ 'last-event-id': before })
    t.same(pageEvents(replay, madePrivate), ['delete'], 'replayed: made private')
    t.same(pageEvents(replay, deleted), ['delete'], 'replayed: deleted')
    t.same(pageEvents(replay, secret), [], 'replayed: never public')
    const catchup = await (await fetch(`${baseUrl}/public/aaaaaa/stream?live=catchup`, { headers: { 'last-event-id': before } })).json() as
      { activities: Array<{ entityId: string; action: string }> }
    t.same(catchup.activities.filter((a) => [madePrivate, deleted, secret].includes(a.entityId)).map((a) => [a.entityId, a.action]),
      [[madePrivate, 'delete'], [deleted, 'delete']], 'the JSON catch-up too')
  })
}
