import { sql } from 'kysely'
import t from 'tap'
import type { Env } from '../../config/env.js'
import { bootExisting } from '../../db/bootstrap.js'
import { defineEntity } from '../../entities/definition.js'
import { tasks, tasksMigrations, tasksPlugin } from '../../examples/tasks/index.js'
import { build, testDatabase } from '../helper.js'

// The boot of `npm start` against an existing database (server.ts → bootExisting) runs an author's
// migrations after Strata's; `/ready` checks the isolation of every registered entity's table.
const database = await testDatabase(t)
const env = { DATABASE_URL: database.runtimeUrl, DATABASE_ADMIN_URL: database.superuserUrl, CDC_DATABASE_URL: database.cdcUrl }
await bootExisting(env as Env & typeof env, tasksMigrations)

const ready = async (app: Awaited<ReturnType<typeof build>>['app']) => {
  const res = await app.inject({ method: 'GET', url: '/ready' })
  return { status: res.statusCode, checks: res.json().checks as Record<string, string[]> }
}

t.test('the boot applies the author\'s migrations; /ready passes with their entity registered', async (t) => {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration where name like 'tasks_%'`.execute(database.superuser)
  t.same(rows.map((r) => r.name), ['tasks_0001_table'])
  const { app } = await build(t, { migrations: tasksMigrations }, { database, routes: async (app) => { await app.register(tasksPlugin) } })
  t.same(await ready(app), { status: 200, checks: { database: [], migrations: [], catalog: [] } })
})

t.test('an entity registered without its migration: /ready is 503 and names it', async (t) => {
  const ghosts = defineEntity({ ...tasks, type: 'ghost', table: 'ghosts' })
  const { app } = await build(t, { entities: [ghosts] }, { database })
  const { status, checks } = await ready(app)
  t.equal(status, 503)
  t.same(checks.catalog, ['entity ghost (ghosts): not in app.entity_types (no migration applied its isolation)'])
})

t.test('an entity whose table lost part of its isolation: /ready is 503 and names what is missing', async (t) => {
  await sql`alter table tasks no force row level security`.execute(database.superuser)
  t.teardown(() => sql`alter table tasks force row level security`.execute(database.superuser))
  const { app } = await build(t, { entities: [tasks] }, { database })
  const { status, checks } = await ready(app)
  t.equal(status, 503)
  t.ok(checks.catalog?.includes('entity task (tasks): row level security is not forced'), 'named as the entity')
})
