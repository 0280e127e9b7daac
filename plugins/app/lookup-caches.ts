import fp from 'fastify-plugin'
import type { ApiTokenWithUser } from '../../db/api-tokens.js'
import type { Organization, Tenant } from '../../db/schema.js'
import type { SessionWithUser } from '../../db/sessions.js'
import type { UserMembership } from '../../db/tenants.js'
import type { Cache } from '../../lib/cache.js'
import { userChangedPrefix } from '../../sync/activity.js'

/** Short lifetimes bound staleness where no change event exists (or the sync engine is off). */
const ttlMs = 15_000
/**
 * A revoked or shortened session or API token must stop working everywhere within a second
 * (SPEC §9). The database notifies every revocation (migrations 0009, 0010) to instances that
 * listen, which they do with the sync engine on; without it, a cached one is re-read after this long.
 */
const unlistenedSessionTtlMs = 1_000

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The guards' look-ups (SPEC §9), cached briefly: sessions and API tokens by hash, memberships by
     * user, tenants by id, organizations by tenant and id-or-slug. Invalidated by the
     * ActivityBus (every instance sees every change) and, for sessions, by the database's
     * notice of each revocation. Row-level security still checks every query.
     * Keys: `session:<sha256>`, `api_token:<sha256>` (the database notifies the same keys).
     */
    lookups: {
      sessions: Cache<SessionWithUser>
      apiTokens: Cache<ApiTokenWithUser>
      memberships: Cache<UserMembership[]>
      tenants: Cache<Tenant>
      organizations: Cache<Organization>
      /** Forgets a session here at once (the database tells the other instances). */
      forgetSession(secretHash: string): void
      /** Forgets an API token here at once (the database tells the other instances). */
      forgetApiToken(secretHash: string): void
      /** Forgets this user's cached sessions and tokens here, e.g. after a profile change. */
      forgetUser(userId: string): void
      /** Forgets cached memberships after a local write (the bus tells other instances). */
      forgetMemberships(userIds: readonly string[] | 'all'): void
    }
  }
}

export default fp(async (fastify) => {
  // The bus exists where this instance listens to the database (sync engine on).
  const bus = fastify.activityBus
  const create = <V extends NonNullable<unknown>>(name: string, lifetimeMs = ttlMs) => fastify.caches.create<V>({ name, max: 10_000, ttlMs: lifetimeMs })
  const credentialTtlMs = bus ? ttlMs : unlistenedSessionTtlMs
  const sessions = create<SessionWithUser>('session', credentialTtlMs)
  const apiTokens = create<ApiTokenWithUser>('api_token', credentialTtlMs)
  const memberships = create<UserMembership[]>('membership')
  const tenants = create<Tenant>('tenant')
  const organizations = create<Organization>('organization')
  const sessionKey = (hash: string) => `session:${hash}`
  const apiTokenKey = (hash: string) => `api_token:${hash}`

  const forgetUser = (userId: string) => {
    sessions.invalidateWhere((s) => s.user.id === userId)
    apiTokens.invalidateWhere((t) => t.user.id === userId)
  }

  fastify.decorate('lookups', {
    sessions, apiTokens, memberships, tenants, organizations,
    forgetMemberships(userIds: readonly string[] | 'all') {
      if (userIds === 'all') memberships.clear()
      else for (const id of userIds) memberships.delete(id)
    },
    forgetSession(secretHash: string) {
      sessions.delete(sessionKey(secretHash))
    },
    forgetApiToken(secretHash: string) {
      apiTokens.delete(apiTokenKey(secretHash))
    },
    forgetUser,
  })

  if (!bus) return
  bus.on('membership.created', (a) => { if (a.userId) memberships.delete(a.userId) })
  bus.on('membership.updated', (a) => { if (a.userId) memberships.delete(a.userId) })
  bus.on('membership.deleted', (a) => { if (a.userId) memberships.delete(a.userId) })
  for (const event of ['tenant.updated', 'tenant.deleted'] as const) bus.on(event, (a) => tenants.delete(a.entityId))
  for (const event of ['organization.updated', 'organization.deleted'] as const) {
    bus.on(event, (a) => organizations.invalidateWhere((o) => o.id === a.entityId))
  }
  bus.on('invalidate', (key) => {
    if (key.startsWith('session:')) sessions.delete(key)
    else if (key.startsWith('api_token:')) apiTokens.delete(key)
    else if (key.startsWith(userChangedPrefix)) {
      // The user's system role changed (migration 0019): what was read with their credentials is stale.
      const userId = key.slice(userChangedPrefix.length)
      forgetUser(userId)
      memberships.delete(userId)
    }
  })
  bus.on('gap', () => { for (const cache of [sessions, apiTokens, memberships, tenants, organizations]) cache.clear() })
}, { name: 'lookup-caches', dependencies: ['config', 'db', 'caches', 'activity-bus'] })
