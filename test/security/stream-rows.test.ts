import { sql } from 'kysely'
import t from 'tap'
import { v7 as uuid } from 'uuid'
import { type SignedIn, as } from '../helper.js'
import type { StreamClient } from '../sse-client.js'
import { syncWorld } from '../sync/sync-world.js'
import { privateNotes, privateNotesDatabase, userStreams } from './private-notes.js'

// Attacks on rows in the events (issue 18.6, SPEC §7): who gets a change (and its `data`) of an
// entity members read only when they own the row, as roles, memberships, ownership and the
// instance's declarations change. Replication source; the routing code is the same for notify.

t.test('an entity this instance has no declaration of: its changes reach org admins only, not even ids to members', async (t) => {
  const database = await privateNotesDatabase(t)
  // The table is an entity of the database (another instance declares it), not of this instance.
  const w = await syncWorld(t, {}, { database })
  const { stream, of, waitFor } = await userStreams(t, w)
  const [dave, alice] = await Promise.all([stream(w.users.dave), stream(w.users.alice)])
  const before = w.app.activityBus!.cursor
  const alices = uuid()
  await sql`insert into notes (id, tenant_id, organization_id, body, created_by)
    values (${alices}, 'aaaaaa', ${w.orgs.x}, 'alice only', ${w.users.alice.user.id})`.execute(w.database.superuser)
  const marker = (await as(w.app, w.users.alice)('POST', '/aaaaaa/org-x/pages', { title: 'marker' })).json().id as string
  await Promise.all([waitFor(alice, alices), waitFor(dave, marker)])
  t.same(of(alice, alices).map((c) => [c.action, c.data]), [['create', undefined]], 'the admin: the change, without data (no declaration to make it)')
  t.same(dave.changes().filter((c) => c.entityType === 'note'), [], 'a member: not even the id of a row the declared rule may hide')
  const replay = await stream(w.users.dave, before)
  t.same(replay.changes().filter((c) => c.entityType === 'note'), [], 'replayed: the same')
  const catchup = await (await fetch(`${w.baseUrl}/entities/app/stream?live=catchup`, { headers: { cookie: w.users.dave.cookie, 'last-event-id': before } }))
    .json() as { activities: Array<{ entityType: string }> }
  t.same(catchup.activities.filter((c) => c.entityType === 'note'), [], 'the JSON catch-up: the same')
})

t.test('roles, memberships and ownership as they change', async (t) => {
  const database = await privateNotesDatabase(t)
  const w = await syncWorld(t, { entities: [privateNotes] }, { database })
  const { stream, of, waitFor } = await userStreams(t, w)
  const psql = w.database.superuser
  const alice = as(w.app, w.users.alice)
  const note = async (who: SignedIn, body: string) => {
    const res = await as(w.app, who)('POST', '/aaaaaa/org-x/notes', { body })
    t.equal(res.statusCode, 201, res.body)
    return res.json() as { id: string; body: string }
  }
  const membershipOf = async (who: SignedIn) => (await psql.selectFrom('memberships').select('id')
    .where('user_id', '=', who.user.id).where('organization_id', '=', w.orgs.x).executeTakeFirstOrThrow()).id
  /** A page of alice's in org X: once a stream has it, it has every change before it. */
  const sync = async (...clients: StreamClient[]) => {
    const marker = (await alice('POST', '/aaaaaa/org-x/pages', { title: 'marker' })).json().id as string
    await Promise.all(clients.map((c) => waitFor(c, marker)))
  }
  const notesOf = (client: StreamClient) => client.changes().filter((c) => c.entityType === 'note')

  t.test('demoted by the API: from the demotion on, only the rows they own', async (t) => {
    await sql`update memberships set role = 'admin' where user_id = ${w.users.dave.user.id} and organization_id = ${w.orgs.x}`.execute(psql)
    const before = w.app.activityBus!.cursor
    const dave = await stream(w.users.dave)
    const whileAdmin = await note(w.users.alice, 'seen while dave was admin')
    await waitFor(dave, whileAdmin.id)
    const res = await alice('PUT', `/aaaaaa/org-x/memberships/${await membershipOf(w.users.dave)}`, { role: 'member' })
    t.equal(res.statusCode, 200, res.body)
    const after = await note(w.users.alice, 'after the demotion')
    const own = await note(w.users.dave, 'dave\'s own')
    await sync(dave)
    t.same(of(dave, after.id), [], 'another member\'s row: nothing, not even its id')
    t.same(of(dave, own.id).map((c) => (c.data as { body: string }).body), ['dave\'s own'], 'their own row: with its data')
    const replay = await stream(w.users.dave, before)
    await sync(replay)
    t.same(notesOf(replay).map((c) => c.entityId), [own.id], 'replayed: as a member now, only their own (not what they saw as admin)')
  })

  t.test('demoted with plain SQL: the same', async (t) => {
    await sql`update memberships set role = 'admin' where user_id = ${w.users.dave.user.id} and organization_id = ${w.orgs.x}`.execute(psql)
    const dave = await stream(w.users.dave)
    await sql`update memberships set role = 'member' where user_id = ${w.users.dave.user.id} and organization_id = ${w.orgs.x}`.execute(psql)
    const after = await note(w.users.alice, 'after the SQL demotion')
    await sync(dave)
    t.same(of(dave, after.id), [], 'nothing of another member\'s row')
  })

  t.test('ownership given away and taken over (plain SQL): the owner at each change reads it', async (t) => {
    const [dave, bystander] = [await stream(w.users.dave), await stream(w.users.alice)]
    const daves = await note(w.users.dave, 'dave wrote this')
    const alices = await note(w.users.alice, 'alice wrote this')
    await sql`update notes set created_by = ${w.users.alice.user.id}, body = 'given to alice' where id = ${daves.id}`.execute(psql)
    await sql`update notes set body = 'alice edits it' where id = ${daves.id}`.execute(psql)
    await sql`update notes set created_by = ${w.users.dave.user.id}, body = 'given to dave' where id = ${alices.id}`.execute(psql)
    await sql`update notes set body = 'dave owns it now' where id = ${alices.id}`.execute(psql)
    await sync(dave, bystander)
    t.same(of(dave, daves.id).map((c) => [c.action, c.data === undefined]), [['create', false], ['delete', true]],
      'given away: a delete without data (test/security/owner-moves.test.ts), and nothing after')
    t.notOk(dave.events.some((e) => e.data.includes('alice edits it') || e.data.includes('given to alice')), 'nothing of its data after')
    t.same(of(dave, alices.id).map((c) => (c.data as { body: string }).body), ['given to dave', 'dave owns it now'], 'taken over: from the change that gave it on')
    t.same(of(bystander, alices.id).length, 3, 'the admin: every change')
  })

  t.test('removed from the organization (API): nothing of it any more, live or replayed', async (t) => {
    const before = w.app.activityBus!.cursor
    const dave = await stream(w.users.dave)
    const res = await alice('DELETE', '/aaaaaa/org-x/memberships', { ids: [await membershipOf(w.users.dave)] })
    t.equal(res.statusCode, 200, res.body)
    const mine = await psql.insertInto('pages').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: w.orgs.x, title: 'after removal' })
      .returning('id').executeTakeFirstOrThrow()
    await sql`update notes set body = 'still his row' where created_by = ${w.users.dave.user.id}`.execute(psql)
    // Dave learns of a membership elsewhere last: when he has it, he has had all of the above.
    const elsewhere = await psql.insertInto('memberships').values({ id: uuid(), tenant_id: 'aaaaaa', organization_id: w.orgs.y, user_id: w.users.dave.user.id, role: 'member' })
      .returning('id').executeTakeFirstOrThrow()
    await waitFor(dave, elsewhere.id)
    t.same(dave.changes().filter((c) => c.organizationId === w.orgs.x && c.entityType !== 'membership'), [], 'live: nothing of org X, not even rows he wrote')
    t.same(of(dave, mine.id), [])
    const replay = await stream(w.users.dave, before)
    t.same(replay.changes().filter((c) => c.organizationId === w.orgs.x && c.entityType !== 'membership'), [], 'replayed: nothing of org X')
  })
})
