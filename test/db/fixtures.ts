import type { Kysely } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { DB } from '../../db/schema.js'

/**
 * Two tenants, three organizations and five users, written as superuser:
 * - tenant A (`aaaaaa`): org X (alice admin, dave member), org Y (bob admin)
 * - tenant B (`bbbbbb`): org Z (carol admin, dave member)
 * - sys: system admin, no membership
 * Each org has three pages (public+published, public+draft, private+published), one attachment
 * and one activity; bob has a pending invitation to X.
 */
export async function seedTenants(db: Kysely<DB>) {
  const users = {
    alice: uuid(), bob: uuid(), carol: uuid(), dave: uuid(), sys: uuid(),
  }
  await db.insertInto('tenants').values([
    { id: 'aaaaaa', name: 'Tenant A' },
    { id: 'bbbbbb', name: 'Tenant B' },
  ]).execute()
  await db.insertInto('users').values(Object.entries(users).map(([name, id]) => ({ id, email: `${name}@example.com`, name, email_verified_at: new Date() })))
    .execute()
  await db.insertInto('system_roles').values({ user_id: users.sys, role: 'admin' }).execute()

  const orgs = { x: uuid(), y: uuid(), z: uuid() }
  const tenantOf = { x: 'aaaaaa', y: 'aaaaaa', z: 'bbbbbb' } as const
  await db.insertInto('organizations').values([
    { id: orgs.x, tenant_id: 'aaaaaa', name: 'X', slug: 'org-x', created_by: users.alice },
    { id: orgs.y, tenant_id: 'aaaaaa', name: 'Y', slug: 'org-y', created_by: users.bob },
    { id: orgs.z, tenant_id: 'bbbbbb', name: 'Z', slug: 'org-z', created_by: users.carol },
  ]).execute()
  const membership = (org: keyof typeof orgs, user: keyof typeof users, role: 'admin' | 'member') =>
    ({ id: uuid(), tenant_id: tenantOf[org], organization_id: orgs[org], user_id: users[user], role })
  await db.insertInto('memberships').values([
    membership('x', 'alice', 'admin'),
    membership('x', 'dave', 'member'),
    membership('y', 'bob', 'admin'),
    membership('z', 'carol', 'admin'),
    membership('z', 'dave', 'member'),
  ]).execute()
  await db.insertInto('inactive_memberships').values({
    id: uuid(), tenant_id: 'aaaaaa', organization_id: orgs.x, email: 'bob@example.com', user_id: users.bob, role: 'member',
  }).execute()

  const pages: Record<string, { publicPublished: string; publicDraft: string; privatePublished: string }> = {}
  const attachments: Record<string, string> = {}
  for (const org of ['x', 'y', 'z'] as const) {
    const ids = { publicPublished: uuid(), publicDraft: uuid(), privatePublished: uuid() }
    pages[org] = ids
    const base = { tenant_id: tenantOf[org], organization_id: orgs[org], created_by: users.alice }
    await db.insertInto('pages').values([
      { ...base, id: ids.publicPublished, title: `${org} public`, status: 'published', public_access: true },
      { ...base, id: ids.publicDraft, title: `${org} draft`, status: 'draft', public_access: true },
      { ...base, id: ids.privatePublished, title: `${org} private`, status: 'published', public_access: false },
    ]).execute()
    attachments[org] = uuid()
    await db.insertInto('attachments').values({
      ...base, id: attachments[org], filename: `${org}.txt`, content_type: 'text/plain', size: 10, key: `k/${org}`,
    }).execute()
    await db.insertInto('activities').values({
      id: `fixture-${org}`, tenant_id: tenantOf[org], organization_id: orgs[org], entity_type: 'page',
      entity_id: ids.publicPublished, action: 'create',
    }).execute()
  }
  return { users, orgs, pages: pages as Record<'x' | 'y' | 'z', typeof pages[string] & object>, attachments: attachments as Record<'x' | 'y' | 'z', string> }
}

export type Fixture = Awaited<ReturnType<typeof seedTenants>>

/** The SQLSTATE a statement fails with, or 'no error': probes assert the database's refusal. */
export const errorCode = async (work: Promise<unknown>): Promise<string> => {
  try {
    await work
    return 'no error'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}
