import Fastify from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import strata from '../../app.js'
import { defineEntity } from '../../entities/definition.js'
import { pages } from '../../entities/pages.js'
import { as, build, syncOptions, testDatabase, testOptions } from '../helper.js'
import { world } from '../routes/world.js'
import { createNotesTable, notes } from './notes.js'

// An author's entity, registered through the `entities` option: members create and read, only
// the assignee (or an admin) updates, only admins delete; shared notes are public; no caching.
const database = await testDatabase(t)
await createNotesTable(database.superuser)

// Sync on (notify) so the entity cache is on: pages use it, notes opted out.
const { app, users, orgs } = await world(t, { ...syncOptions(database, 'notify'), entities: [notes] }, { database })
const alice = as(app, users.alice)
const dave = as(app, users.dave)

t.test('an entity registered through the options gets the five routes, with can from its rules', async (t) => {
  t.equal(app.entities.get('note'), notes)
  t.equal(app.entities.byTable('notes'), notes)
  t.same(app.entities.all().map((e) => e.type), ['page', 'attachment', 'note'], 'core entities first')

  const created = await dave('POST', '/aaaaaa/org-x/notes', { body: 'first' })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { body: 'first', assignee: null, shared: false })
  t.same(created.json().can, { create: true, read: true, update: false, delete: false }, 'a member: not the assignee, never delete')
  const id = created.json().id as string
  t.equal((await dave('POST', '/aaaaaa/org-x/notes', { body: '' })).statusCode, 400, 'the declared create schema validates')

  const list = await dave('GET', '/aaaaaa/org-x/notes?q=fir&sort=body')
  t.equal(list.statusCode, 200)
  t.same(list.json().items.map((n: { id: string }) => n.id), [id])
  t.equal(list.json().total, 1)
  t.equal((await dave('GET', '/aaaaaa/org-x/notes?sort=title')).statusCode, 400, 'only the declared sort keys')

  t.equal((await dave('PUT', `/aaaaaa/org-x/notes/${id}`, { body: 'edited' })).statusCode, 403, 'not the assignee')
  await database.superuser.updateTable('notes' as never).set({ assignee: users.dave.user.id } as never).where('id' as never, '=', id as never).execute()
  const updated = await dave('PUT', `/aaaaaa/org-x/notes/${id}`, { body: 'edited' })
  t.equal(updated.statusCode, 200, 'the assignee updates')
  t.same(updated.json().can, { create: true, read: true, update: true, delete: false })

  t.same((await dave('DELETE', '/aaaaaa/org-x/notes', { ids: [id] })).json(), { data: [], rejectedIds: [id] }, 'members never delete')
  t.equal((await as(app, users.bob)('GET', `/aaaaaa/org-x/notes/${id}`)).statusCode, 403, 'another organization\'s admin')
  t.equal((await as(app, users.carol)('GET', `/bbbbbb/${orgs.x}/notes/${id}`)).statusCode, 404, 'through another tenant')
  t.same((await alice('DELETE', '/aaaaaa/org-x/notes', { ids: [id] })).json(), { data: [{ id }], rejectedIds: [] }, 'the admin deletes')
})

t.test('public reads for an entity with publicRead, through the public RLS context', async (t) => {
  const shared = (await dave('POST', '/aaaaaa/org-x/notes', { body: 'for all', shared: true })).json()
  const secret = (await dave('POST', '/aaaaaa/org-x/notes', { body: 'for members' })).json()
  const list = await app.inject({ method: 'GET', url: '/public/aaaaaa/notes' })
  t.equal(list.statusCode, 200)
  t.same(list.json(), { items: [{ id: shared.id, body: 'for all', assignee: null, shared: true }], total: 1 })
  t.equal((await app.inject({ method: 'GET', url: `/public/aaaaaa/notes/${shared.id}` })).statusCode, 200)
  const hidden = await app.inject({ method: 'GET', url: `/public/aaaaaa/notes/${secret.id}` })
  t.equal(hidden.statusCode, 404)
  t.equal(hidden.json().error.type, 'note_not_found')
  t.same((await app.inject({ method: 'GET', url: '/public/bbbbbb/notes' })).json(), { items: [], total: 0 }, 'not through another tenant')
  t.notOk(app.hasRoute({ method: 'GET', url: '/public/:tenantId/attachments' }), 'no public read without publicRead')
})

t.test('cache: false reads from the database every time; pages use the entity cache', async (t) => {
  t.ok(app.entityCache, 'the entity cache is on')
  const note = (await dave('POST', '/aaaaaa/org-x/notes', { body: 'uncached' })).json()
  const page = (await dave('POST', '/aaaaaa/org-x/pages', { title: 'cached' })).json()
  const sources = async (url: string) => [(await dave('GET', url)).headers['x-cache'], (await dave('GET', url)).headers['x-cache']]
  t.same(await sources(`/aaaaaa/org-x/notes/${note.id}`), ['MISS', 'MISS'])
  t.same(await sources(`/aaaaaa/org-x/pages/${page.id}`), ['MISS', 'HIT'])
})

t.test('the OpenAPI document lists the entity', async (t) => {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.ok(document.paths['/{tenantId}/{orgId}/notes']?.post, 'create')
  t.ok(document.paths['/{tenantId}/{orgId}/notes/{id}']?.put, 'update')
  t.ok(document.components.schemas.Note, 'its DTO')
})

t.test('a plugin registered after Strata adds an entity and its routes; after ready it cannot', async (t) => {
  const memos = defineEntity({ ...notes, type: 'memo', table: 'memos', publicRead: undefined })
  const { app } = await build(t, {}, { database: false, routes: async (app) => { await app.register(fp(async (instance) => instance.entities.register(memos))) } })
  t.ok(app.hasRoute({ method: 'POST', url: '/:tenantId/:orgId/memos' }), 'create')
  t.ok(app.hasRoute({ method: 'GET', url: '/:tenantId/:orgId/memos/:id' }), 'read')
  t.ok(app.hasRoute({ method: 'DELETE', url: '/:tenantId/:orgId/memos' }), 'batch delete')
  t.equal((await app.inject({ method: 'GET', url: '/main/org-x/memos' })).statusCode, 401, 'behind the guards')
  const late = defineEntity({ ...notes, type: 'late', table: 'lates' })
  t.throws(() => app.entities.register(late), /entity "late" registered after the app is ready/)
  t.equal(app.entities.get('late'), undefined)
})

t.test('Strata\'s own activity types cannot be declared (streams route them by their own rules)', async (t) => {
  for (const type of ['tenant', 'organization', 'membership', 'invitation']) {
    t.throws(() => defineEntity({ ...notes, type, table: `${type}_rows` }), new RegExp(`entity type "${type}" is Strata's own`))
  }
})

t.test('a type or table registered twice fails the boot', async (t) => {
  const twinType = defineEntity({ ...notes, table: 'other_notes' })
  const twinTable = defineEntity({ ...pages, type: 'leaf' })
  for (const [entity, message] of [[twinType, /entity type "note" is already registered/], [twinTable, /table "pages" already belongs to entity "page"/]] as const) {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(fp(strata), testOptions(false, { entities: [notes, entity] })).ready() }, message)
  }
})
