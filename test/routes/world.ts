import { v7 as uuid } from 'uuid'
import { type BuildExtras, type BuildOptions, type SignedIn, type Teardown, build, makeSystemAdmin, signUp } from '../helper.js'

/**
 * A multi-tenant world for route tests, signed up through the API and arranged as superuser:
 * - tenant A (`aaaaaa`): org X (alice admin, dave member), org Y (bob admin)
 * - tenant B (`bbbbbb`): org Z (carol admin)
 * - sys: system admin; eve: signed up, no membership
 */
export async function world(t: Teardown, options: BuildOptions = {}, extras: BuildExtras = {}) {
  const { app, db, routes } = await build(t, { tenancy: 'multi', ...options }, extras)
  const database = db!
  const people = ['alice', 'bob', 'carol', 'dave', 'eve', 'sys'] as const
  const signed = await Promise.all(people.map((name) => signUp(app, `${name}@example.com`, 'password-123', name)))
  const users = Object.fromEntries(people.map((name, i) => [name, signed[i]!])) as Record<typeof people[number], SignedIn>
  await makeSystemAdmin(database, users.sys.user.id)
  const orgs = { x: uuid(), y: uuid(), z: uuid() }
  await database.superuser.insertInto('tenants').values([{ id: 'aaaaaa', name: 'A' }, { id: 'bbbbbb', name: 'B' }]).execute()
  await database.superuser.insertInto('organizations').values([
    { id: orgs.x, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x' },
    { id: orgs.y, tenant_id: 'aaaaaa', name: 'Y', slug: 'org-y' },
    { id: orgs.z, tenant_id: 'bbbbbb', name: 'Z', slug: 'org-z' },
  ]).execute()
  const member = (org: keyof typeof orgs, tenant: string, who: keyof typeof users, role: 'admin' | 'member') =>
    ({ id: uuid(), tenant_id: tenant, organization_id: orgs[org], user_id: users[who].user.id, role })
  await database.superuser.insertInto('memberships').values([
    member('x', 'aaaaaa', 'alice', 'admin'),
    member('x', 'aaaaaa', 'dave', 'member'),
    member('y', 'aaaaaa', 'bob', 'admin'),
    member('z', 'bbbbbb', 'carol', 'admin'),
  ]).execute()
  return { app, database, users, orgs, routes }
}

export type World = Awaited<ReturnType<typeof world>>
