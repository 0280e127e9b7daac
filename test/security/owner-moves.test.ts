import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { createKysely, createPool } from '../../db/connection.js'
import { type SignedIn, type Teardown, as, syncOptions } from '../helper.js'
import { world } from '../routes/world.js'
import type { StreamClient } from '../sse-client.js'
import { syncWorld } from '../sync/sync-world.js'
import { privateNotes, privateNotesDatabase, userStreams } from './private-notes.js'

// A row that moves to another owner leaves its previous owner's view (migration 0020): a member who
// reads only the rows they own gets a `delete` for it, without its data, live and replayed, and
// nothing of it after; no one else gets that delete (another member, a former member). On both
// sync sources: the CDC worker and the notify trigger each record the previous owner.

async function worldOn(t: Teardown, source: 'replication' | 'notify') {
  const database = await privateNotesDatabase(t)
  if (source === 'notify') await sql`alter database ${sql.id(database.name)} set strata.sync_source = 'notify'`.execute(database.superuser)
  if (source === 'replication') return syncWorld(t, { entities: [privateNotes] }, { database })
  const w = await world(t, { ...syncOptions(database, 'notify'), entities: [privateNotes] }, { database })
  return { ...w, baseUrl: await w.app.listen({ port: 0, host: '127.0.0.1' }) }
}

for (const source of ['replication', 'notify'] as const) {
  t.test(`${source} source`, async (t) => {
    const w = await worldOn(t, source)
    // Connected after the database was set to its source (a session reads that setting when it starts).
    const psql = createKysely(createPool({ url: w.database.superuserUrl, max: 2 }))
    t.teardown(() => psql.destroy())
    const { stream, of } = userStreams(t, w)
    const note = async (who: SignedIn, body: string) => {
      const res = await as(w.app, who)('POST', '/aaaaaa/org-x/notes', { body })
      t.equal(res.statusCode, 201, res.body)
      return (res.json() as { id: string }).id
    }
    /** A page of alice's in org X, created last: a stream that has it has every change before it. */
    const settle = async (...clients: StreamClient[]) => {
      const marker = (await as(w.app, w.users.alice)('POST', '/aaaaaa/org-x/pages', { title: 'marker' })).json().id as string
      await Promise.all(clients.map((c) => c.waitFor(() => of(c, marker).length > 0, 10_000, 'the marker')))
    }
    // Bob becomes a plain member of org X too: he owns none of the notes.
    await psql.insertInto('memberships').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: w.orgs.x, user_id: w.users.bob.user.id, role: 'member' }).execute()
    const before = w.app.activityBus?.cursor ?? ''
    const [dave, alice, bob] = [await stream(w.users.dave), await stream(w.users.alice), await stream(w.users.bob)]

    const given = await note(w.users.dave, 'dave wrote this')
    await sql`update notes set created_by = ${w.users.alice.user.id}, body = 'given to alice' where id = ${given}`.execute(psql)
    await sql`update notes set body = 'alice edits it' where id = ${given}`.execute(psql)
    const unowned = await note(w.users.dave, 'dave lets go')
    await sql`update notes set created_by = null where id = ${unowned}`.execute(psql)
    await settle(dave, alice, bob)

    t.same(of(dave, given).map((c) => c.action), ['create', 'delete'], 'given away: a delete, and nothing after')
    const gone = of(dave, given)[1]!
    t.equal(gone.data, undefined, 'the delete carries no data')
    t.equal(gone.changedFields, null, 'nor which fields changed')
    t.notOk(dave.events.some((e) => e.data.includes(given) && /given to alice|alice edits it|[cC]reated_?[bB]y|leftOwner|left_owner/.test(e.data)), 'nothing of the row as it is now, nor who owns it')
    t.same(of(dave, unowned).map((c) => c.action), ['create', 'delete'], 'owned by no one: a delete too')
    t.same(of(alice, given).map((c) => c.action), ['create', 'update', 'update'], 'the admin: every change, as it was')
    t.same(of(bob, given), [], 'another member: nothing, not even the delete')
    t.same(of(bob, unowned), [], 'another member: nothing of the other either')

    const replayed = await stream(w.users.dave, before)
    await settle(replayed)
    t.same(of(replayed, given).map((c) => c.action), ['create', 'delete'], 'replayed: the same')
    t.notOk(replayed.events.some((e) => /given to alice|alice edits it/.test(e.data)), 'replayed: nothing of the row as it is now')
    t.same(of(await stream(w.users.bob, before), given), [], 'replayed to another member: nothing')
    const catchup = await (await fetch(`${w.baseUrl}/entities/app/stream?live=catchup`, { headers: { cookie: w.users.dave.cookie, 'last-event-id': before } }))
      .json() as { activities: Array<{ entityId: string; action: string; data?: unknown }> }
    t.same(catchup.activities.filter((a) => a.entityId === given).map((a) => [a.action, a.data === undefined]), [['create', false], ['delete', true]], 'the JSON catch-up too')

    // Removed from the organization first: a row moved away from him later is none of his business.
    const kept = await note(w.users.dave, 'dave keeps this')
    await settle(dave)
    await psql.deleteFrom('memberships').where('user_id', '=', w.users.dave.user.id).where('organization_id', '=', w.orgs.x).execute()
    await sql`update notes set created_by = ${w.users.alice.user.id} where id = ${kept}`.execute(psql)
    // Dave learns of a membership elsewhere last: when he has it, he has had all of the above.
    const elsewhere = await psql.insertInto('memberships').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: w.orgs.y, user_id: w.users.dave.user.id, role: 'member' })
      .returning('id').executeTakeFirstOrThrow()
    await dave.waitFor(() => of(dave, elsewhere.id).length > 0, 10_000, 'the membership elsewhere')
    t.same(of(dave, kept).map((c) => c.action), ['create'], 'a former member: no delete')
    const afterRemoval = await stream(w.users.dave, before)
    await afterRemoval.waitFor(() => of(afterRemoval, elsewhere.id).length > 0, 10_000, 'the replay')
    t.same(afterRemoval.changes().filter((c) => c.entityType === 'note'), [], 'replayed to a former member: nothing of org X')
  })
}
