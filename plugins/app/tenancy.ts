import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { findOrganization } from '../../db/organizations.js'
import { withContext } from '../../db/rls.js'
import type { Organization, Tenant } from '../../db/schema.js'
import { ensureTenant, findTenant, membershipsOfUser, type UserMembership } from '../../db/tenants.js'
import { AppError } from '../../lib/errors.js'
import type { Subject } from '../../lib/permissions.js'
import { tenantIdPattern } from '../../lib/schemas.js'

/** The tenant of single-tenant mode. */
const singleTenantId = 'main'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * How a request finds its tenant, its caller's memberships and its organization: from the
     * guards' look-up caches (SPEC §9) when they hold it, synchronously; from the database
     * otherwise (a promise). Who may pass is the guards' decision (plugins/app/guards.ts).
     */
    tenancy: {
      /** The tenant `id`; 404 `tenant_not_found` for an id that is not a tenant's. */
      tenant(id: string): Tenant | Promise<Tenant>
      /** Every membership of the user, in all tenants. */
      memberships(userId: string): UserMembership[] | Promise<UserMembership[]>
      /** The organization `idOrSlug` of the request's tenant, as the caller may see it (undefined: none). */
      organization(request: FastifyRequest, idOrSlug: string): Organization | undefined | Promise<Organization | undefined>
    }
  }
  interface FastifyRequest {
    tenant: Tenant | null
    organization: Organization | null
    /** The caller's role in the current organization (null for system admins without one). */
    membership: UserMembership | null
    /** Who is asking, for the permissions engine: memberships of the current tenant. */
    subject: Subject<UserMembership> | null
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The one answer for a tenant that does not exist, or is not there for the caller (inactive, another's). */
export const tenantNotFound = () => new AppError(404, 'tenant_not_found', 'info', { message: 'Tenant not found', entityType: 'tenant' })

/** The caller's membership of the organization `id`, from the tenant guard's subject. */
export function membershipIn(request: FastifyRequest, id: string): UserMembership | null {
  for (const m of request.subject!.memberships) if (m.organizationId === id) return m
  return null
}

/** Tenants, memberships and organizations of a request (SPEC §5); single-tenant mode's tenant from boot. */
export default fp(async (fastify) => {
  fastify.decorateRequest('tenant', null)
  fastify.decorateRequest('organization', null)
  fastify.decorateRequest('membership', null)
  fastify.decorateRequest('subject', null)
  const { lookups } = fastify

  fastify.decorate('tenancy', {
    tenant(id) {
      if (!tenantIdPattern.test(id)) throw tenantNotFound()
      return lookups.tenants.get(id) ?? lookups.tenants.load(id, () => findTenant(fastify.db, id)).then((tenant) => {
        if (!tenant) throw tenantNotFound()
        return tenant
      })
    },
    memberships(userId) {
      return lookups.memberships.get(userId) ?? lookups.memberships.load(userId, () => membershipsOfUser(fastify.db, userId)).then((all) => all ?? [])
    },
    organization(request, idOrSlug) {
      const tenant = request.tenant!
      const cacheKey = `${tenant.id}:${idOrSlug}`
      const cached = lookups.organizations.get(cacheKey)
      // A cached organization is only used for its members and system admins: anyone else goes
      // to the database, where RLS decides whether it even exists for them.
      if (cached && (membershipIn(request, cached.id) || request.isSystemAdmin)) return cached
      return withContext(fastify.db, request.rlsContext!, (trx) =>
        findOrganization(trx, tenant.id, uuidPattern.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug })).then((organization) => {
        if (organization) lookups.organizations.set(cacheKey, organization)
        return organization
      })
    },
  })

  if (fastify.config.tenancy !== 'single' || !fastify.config.database) return
  await ensureTenant(fastify.db, singleTenantId, 'Main')
}, { name: 'tenancy', dependencies: ['config', 'db', 'lookup-caches'] })
