import { type Kysely, sql } from 'kysely'
import { v7 as uuid } from 'uuid'
import type { DB } from '../db/schema.js'

export const tenantId = 'bnch01'

/** The organizations of the bench, each for one question (slug = its path segment). */
export interface Fixture {
  /** Signed-in users: `reader` reads and writes; `crowd` holds the idle streams; `watcher` follows the CDC orgs. */
  cookies: { reader: string; crowd: string; watcher: string }
  /** 500 pages: the RLS list read and its floor; the cached attachment lives here. */
  small: { id: string; slug: string }
  /** The same pages, 50,000 of them: the list's growth line. */
  large: { id: string; slug: string }
  /** Where stream writes go that concern only `reader`'s streams. */
  events: { id: string; slug: string }
  /** The organization of `crowd`'s idle streams (fan-out); unconcerned by writes to `events`. */
  crowd: { id: string; slug: string }
  /** CDC growth line: one organization vs `cdcMany` (1,000); `watcher` is a member of all. */
  cdcOne: string
  cdcMany: string[]
  attachmentId: string
}

async function signUp(url: string, admin: Kysely<DB>, name: string): Promise<{ userId: string; cookie: string }> {
  const res = await fetch(`${url}/auth/sign-up`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${name}-${Date.now()}@bench.local`, password: 'bench-password' }),
  })
  if (!res.ok) throw new Error(`sign-up ${res.status}: ${await res.text()}`)
  const userId = ((await res.json()) as { user: { id: string } }).user.id
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('strata-session='))!.split(';')[0]!
  await admin.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', userId).execute()
  return { userId, cookie }
}

async function createOrg(admin: Kysely<DB>, slug: string, members: Array<[string, 'admin' | 'member']>): Promise<string> {
  const id = uuid()
  await admin.insertInto('organizations').values({ id, tenant_id: tenantId, name: slug, slug }).execute()
  if (members.length) {
    await admin.insertInto('memberships').values(members.map(([userId, role]) => ({ id: uuid(), tenant_id: tenantId, organization_id: id, user_id: userId, role }))).execute()
  }
  return id
}

/** Pages written in one statement as the admin (no RLS); each is one change for CDC. */
export async function insertPages(admin: Kysely<DB>, organizationIds: string[], count: number, title = 'bulk'): Promise<void> {
  await sql`insert into pages (id, tenant_id, organization_id, title, content)
    select gen_random_uuid(), ${tenantId}, (${organizationIds}::uuid[])[1 + n % ${organizationIds.length}],
      ${title} || ' ' || n, repeat('x', 200)
    from generate_series(1, ${count}) as n`.execute(admin)
}

/**
 * Users through the API (so their sessions are real), everything else as the admin. Writes
 * through CDC reach the server; the caller lets it settle before measuring.
 */
export async function createFixture(url: string, admin: Kysely<DB>, largePages: number, cdcOrgs: number): Promise<Fixture> {
  const reader = await signUp(url, admin, 'reader')
  const crowd = await signUp(url, admin, 'crowd')
  const watcher = await signUp(url, admin, 'watcher')
  await admin.insertInto('tenants').values({ id: tenantId, name: 'Bench' }).execute()
  const small = await createOrg(admin, 'small', [[reader.userId, 'admin']])
  const large = await createOrg(admin, 'large', [[reader.userId, 'admin']])
  const events = await createOrg(admin, 'events', [[reader.userId, 'admin']])
  const crowdOrg = await createOrg(admin, 'crowd', [[crowd.userId, 'member']])
  const cdcOne = await createOrg(admin, 'cdc-one', [[watcher.userId, 'member']])
  const cdcMany: string[] = []
  for (let i = 0; i < cdcOrgs; i++) cdcMany.push(await createOrg(admin, `cdc-${i}`, [[watcher.userId, 'member']]))
  await insertPages(admin, [small], 500, 'page')
  for (let done = 0; done < largePages; done += 10_000) await insertPages(admin, [large], Math.min(10_000, largePages - done), 'page')
  await sql`analyze pages`.execute(admin)
  const attachment = await fetch(`${url}/${tenantId}/small/attachments`, {
    method: 'POST', headers: { cookie: reader.cookie, origin: url, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'a.png', contentType: 'image/png', size: 10, key: 'k' }),
  })
  if (!attachment.ok) throw new Error(`attachment ${attachment.status}: ${await attachment.text()}`)
  return {
    cookies: { reader: reader.cookie, crowd: crowd.cookie, watcher: watcher.cookie },
    small: { id: small, slug: 'small' },
    large: { id: large, slug: 'large' },
    events: { id: events, slug: 'events' },
    crowd: { id: crowdOrg, slug: 'crowd' },
    cdcOne,
    cdcMany,
    attachmentId: ((await attachment.json()) as { id: string }).id,
  }
}
