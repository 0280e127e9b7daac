import fp from 'fastify-plugin'
import type { Organization, Tenant } from '../../db/schema.js'
import type { SessionWithUser } from '../../db/sessions.js'
import type { UserMembership } from '../../db/tenants.js'
import type { Cache } from '../../lib/cache.js'

/** Short lifetimes bound staleness where no change event exists (or the sync engine is off). */
const ttlMs = 15_000
/**
 * A revoked or shortened session must stop working everywhere within a second (SPEC §9). The
 * database notifies every revocation (migration 0009) to instances that listen, which they do
 * with the sync engine on; without it, a cached session is re-read after this long.
 */
const unlistenedSessionTtlMs = 1_000

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The guards' look-ups (SPEC §9), cached briefly: sessions by token hash, memberships by
     * user, tenants by id, organizations by tenant and id-or-slug. Invalidated by the
     * ActivityBus (every instance sees every change) and, for sessions, by the database's
     * notice of each revocation. Row-level security still checks every query.
     */
    lookups: {
      sessions: Cache<SessionWithUser>
      memberships: Cache<UserMembership[]>
      tenants: Cache<Tenant>
      organizations: Cache<Organization>
      /** Forgets a session here at once (the database tells the other instances). */
      forgetSession(secretHash: string): void
      /** Forgets cached memberships after a local write (the bus tells other instances). */
      forgetMemberships(userIds: readonly string[] | 'all'): void
    }
  }
}

export default fp(async (fastify) => {
  const listening = Boolean(fastify.config.sync && fastify.config.database)
  const create = <V extends NonNullable<unknown>>(name: string, lifetimeMs = ttlMs) => fastify.caches.create<V>({ name, max: 10_000, ttlMs: lifetimeMs })
  const sessions = create<SessionWithUser>('session', listening ? ttlMs : unlistenedSessionTtlMs)
  const memberships = create<UserMembership[]>('membership')
  const tenants = create<Tenant>('tenant')
  const organizations = create<Organization>('organization')
  const sessionKey = (hash: string) => `session:${hash}`

  fastify.decorate('lookups', {
    sessions, memberships, tenants, organizations,
    forgetMemberships(userIds: readonly string[] | 'all') {
      if (userIds === 'all') memberships.clear()
      else for (const id of userIds) memberships.delete(id)
    },
    forgetSession(secretHash: string) {
      sessions.delete(sessionKey(secretHash))
    },
  })

  if (!listening) return
  const bus = fastify.activityBus
  bus.on('membership.created', (a) => { if (a.userId) memberships.delete(a.userId) })
  bus.on('membership.updated', (a) => { if (a.userId) memberships.delete(a.userId) })
  bus.on('membership.deleted', (a) => { if (a.userId) memberships.delete(a.userId) })
  for (const event of ['tenant.updated', 'tenant.deleted'] as const) bus.on(event, (a) => tenants.delete(a.entityId))
  for (const event of ['organization.updated', 'organization.deleted'] as const) {
    bus.on(event, (a) => organizations.invalidateWhere((o) => o.id === a.entityId))
  }
  bus.on('invalidate', (key) => { if (key.startsWith('session:')) sessions.delete(key) })
  bus.on('gap', () => { for (const cache of [sessions, memberships, tenants, organizations]) cache.clear() })
}, { name: 'lookup-caches', dependencies: ['config', 'db', 'caches', 'activity-bus'] })
