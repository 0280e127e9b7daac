import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { findOrganization } from '../../db/organizations.js'
import { type RlsContext, type ScopedDb, withContext } from '../../db/rls.js'
import type { Organization, Tenant } from '../../db/schema.js'
import { findTenant, membershipsOfUser, type UserMembership } from '../../db/tenants.js'
import { AppError } from '../../lib/errors.js'
import type { Subject } from '../../lib/permissions.js'
import { safeEqual } from '../../lib/secrets.js'

/** The guards a route may declare (SPEC §5), run in the order declared. */
export type Guard = 'public' | 'auth' | 'sysAdmin' | 'tenant' | 'org' | 'crossTenant' | 'cdcSecret'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route states who may call it; a route without this fails to register. */
    guards?: Guard[]
    /** Long-lived routes (streams) manage their own transactions instead of one per request. */
    rlsTransaction?: false
  }
  interface FastifyRequest {
    /** The RLS context the guards opened; the handler runs inside it. */
    rlsContext: RlsContext | null
    /**
     * The handler's transaction in `rlsContext`, on routes whose guards open one (tenant,
     * cross-tenant, a tenant's public) while their handler runs. Read anywhere else, it throws
     * (a route without a context uses `fastify.db`, which sees no tenant row).
     */
    readonly db: ScopedDb
    tenant: Tenant | null
    organization: Organization | null
    /** The caller's role in the current organization (null for system admins without one). */
    membership: UserMembership | null
    /** Who is asking, for the permissions engine: memberships of the current tenant. */
    subject: Subject<UserMembership> | null
    /** Work to run once the handler's transaction has committed (e.g. sending mail). */
    afterCommit(work: () => Promise<void>): void
  }
}

const needsAuth: readonly Guard[] = ['sysAdmin', 'tenant', 'org', 'crossTenant']
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Matcher of the `publicRoutes` allow-list: the only routes that may run without guards.
 * `GET /x` allows its automatic HEAD twin; `/prefix/*` allows every path under the prefix.
 */
export function publicRouteMatcher(entries: readonly string[]): (method: string, url: string) => boolean {
  const rules = entries.map((entry) => {
    const [method = '', pattern = ''] = entry.split(' ')
    return pattern.endsWith('/*')
      ? { method, matches: (url: string) => url.startsWith(pattern.slice(0, -1)) }
      : { method, matches: (url: string) => url === pattern }
  })
  return (method, url) => rules.some((rule) =>
    (rule.method === method || (method === 'HEAD' && rule.method === 'GET')) && rule.matches(url))
}

/** Checks the declared chain is coherent; throws at registration, never at request time. */
function validateChain(route: RouteOptions, guards: readonly Guard[] | undefined): asserts guards is Guard[] {
  const name = `${String(route.method)} ${route.url}`
  if (!guards?.length) throw new Error(`route ${name} declares no guards: set config.guards, or add it to the publicRoutes option`)
  if (guards.includes('public') && guards.length > 1) throw new Error(`route ${name}: 'public' stands alone`)
  const authAt = guards.indexOf('auth')
  for (const guard of needsAuth) {
    const at = guards.indexOf(guard)
    if (at !== -1 && (authAt === -1 || authAt > at)) throw new Error(`route ${name}: '${guard}' needs 'auth' before it`)
  }
  if (guards.includes('org') && guards.indexOf('tenant') > guards.indexOf('org')) {
    throw new Error(`route ${name}: 'org' needs 'tenant' before it`)
  }
}

/** `fn` of `value` now when it is at hand, after it resolves when it is a promise. */
function then<T>(value: T | Promise<T>, fn: (value: T) => void | Promise<void>): void | Promise<void> {
  return value instanceof Promise ? value.then(fn) : fn(value)
}

/**
 * A route's guards as one callback hook, run in order: synchronous guards run without a promise
 * or a microtask each; a guard's promise (a look-up that missed its cache) is awaited before the next.
 */
function chainHook(chain: readonly GuardFn[]): onRequestHookHandler {
  return function guardChain(request, reply, done) {
    runChain(chain, 0, request, reply, done)
  }
}

// Module-level (no closure made per request: under tsx every named closure also costs a `__name` call).
function runChain(chain: readonly GuardFn[], from: number, request: FastifyRequest, reply: FastifyReply, done: (err?: FastifyError) => void): void {
  try {
    for (let at = from; at < chain.length; at++) {
      const pending = chain[at]!(request, reply)
      if (pending) {
        pending.then(() => runChain(chain, at + 1, request, reply, done), done)
        return
      }
    }
  } catch (error) {
    done(error as FastifyError)
    return
  }
  done()
}

type GuardFn = (request: FastifyRequest, reply: FastifyReply) => void | Promise<void>

/** The caller's membership of the organization `id`, from the tenant guard's subject. */
function membershipIn(request: FastifyRequest, id: string): UserMembership | null {
  for (const m of request.subject!.memberships) if (m.organizationId === id) return m
  return null
}

const param = (request: FastifyRequest, name: string): string | undefined =>
  (request.params as Record<string, string | undefined> | undefined)?.[name]

/**
 * Guards as per-route hooks (SPEC §5) and the RLS transaction around each handler: the guards
 * decide the context, the handler's queries run in one transaction opened in it.
 */
export default fp(async (fastify) => {
  const { tenancy, publicAccess } = fastify.config
  fastify.decorateRequest('rlsContext', null)
  const handlerDb = new WeakMap<FastifyRequest, ScopedDb>()
  fastify.decorateRequest('db', {
    getter(this: FastifyRequest): ScopedDb {
      const db = handlerDb.get(this)
      if (!db) throw new Error(`request.db outside an RLS transaction (${this.method} ${this.routeOptions.url}): only the handler of a route whose guards open a context (tenant, crossTenant, a tenant's public) has one`)
      return db
    },
  })
  fastify.decorateRequest('tenant', null)
  fastify.decorateRequest('organization', null)
  fastify.decorateRequest('membership', null)
  fastify.decorateRequest('subject', null)
  const pending = new WeakMap<FastifyRequest, Array<() => Promise<void>>>()
  fastify.decorateRequest('afterCommit', function (this: FastifyRequest, work: () => Promise<void>) {
    const list = pending.get(this) ?? []
    list.push(work)
    pending.set(this, list)
  })

  const tenantNotFound = () => new AppError(404, 'tenant_not_found', 'info', { message: 'Tenant not found', entityType: 'tenant' })

  /** The route's tenant: synchronous when cached (the common case), a promise when it is read. */
  function tenantOf(request: FastifyRequest): Tenant | Promise<Tenant> {
    const tenantId = param(request, 'tenantId') ?? ''
    if (!/^([a-z0-9]{6}|main)$/.test(tenantId)) throw tenantNotFound()
    const { tenants } = fastify.lookups
    const cached = tenants.get(tenantId)
    if (cached) return cached
    return tenants.load(tenantId, () => findTenant(fastify.db, tenantId)).then((tenant) => {
      if (!tenant) throw tenantNotFound()
      return tenant
    })
  }

  /** The caller's memberships (all tenants): synchronous when cached. */
  function membershipsOf(userId: string): UserMembership[] | Promise<UserMembership[]> {
    const { memberships } = fastify.lookups
    return memberships.get(userId) ?? memberships.load(userId, () => membershipsOfUser(fastify.db, userId)).then((all) => all ?? [])
  }

  function admitTenant(request: FastifyRequest, tenant: Tenant, all: UserMembership[]): void {
    const memberships = all.filter((m) => m.tenantId === tenant.id)
    // In single-tenant mode every user belongs to the one tenant; in multi mode a membership is needed.
    if (tenancy === 'multi' && memberships.length === 0 && !request.isSystemAdmin) {
      throw new AppError(403, 'forbidden', 'warn', { message: 'No access to this tenant', entityType: 'tenant' })
    }
    if (tenant.status !== 'active') {
      throw new AppError(403, 'tenant_suspended', 'warn', { message: `Tenant is ${tenant.status}`, entityType: 'tenant' })
    }
    const user = request.user!
    request.tenant = tenant
    request.subject = { userId: user.id, isSystemAdmin: request.isSystemAdmin, memberships }
    request.rlsContext = { kind: 'tenant', tenantId: tenant.id, userId: user.id }
  }

  function admitOrganization(request: FastifyRequest, organization: Organization | undefined): void {
    if (!organization) throw new AppError(404, 'organization_not_found', 'info', { message: 'Organization not found', entityType: 'organization' })
    const membership = membershipIn(request, organization.id)
    if (!membership && !request.isSystemAdmin) {
      throw new AppError(403, 'forbidden', 'warn', { message: 'Not a member of this organization', entityType: 'organization' })
    }
    request.organization = organization
    request.membership = membership
  }

  // Each guard is synchronous when what it needs is cached, and returns a promise only when it
  // must read: a cached authenticated read runs its whole chain without a promise.
  const guards: Record<Guard, GuardFn> = {
    public(request) {
      if (param(request, 'tenantId') === undefined) return
      if (!publicAccess) throw new AppError(404, 'route_not_found', 'info', { message: 'Public access is disabled' })
      return then(tenantOf(request), (tenant) => {
        if (tenant.status !== 'active') throw new AppError(404, 'tenant_not_found', 'info', { entityType: 'tenant' })
        request.tenant = tenant
        request.rlsContext = { kind: 'public', tenantId: tenant.id }
      })
    },
    auth: (request, reply) => fastify.auth.authenticate(request, reply),
    sysAdmin(request) {
      if (!request.isSystemAdmin) throw new AppError(403, 'no_sysadmin', 'warn', { message: 'System admins only' })
    },
    tenant(request) {
      return then(tenantOf(request), (tenant) => then(membershipsOf(request.user!.id), (all) => admitTenant(request, tenant, all)))
    },
    org(request) {
      const idOrSlug = param(request, 'orgId') ?? param(request, 'idOrSlug') ?? ''
      const tenant = request.tenant!
      const cacheKey = `${tenant.id}:${idOrSlug}`
      const cached = fastify.lookups.organizations.get(cacheKey)
      // A cached organization is only used for its members and system admins: anyone else goes
      // to the database, where RLS decides whether it even exists for them.
      if (cached && (membershipIn(request, cached.id) || request.isSystemAdmin)) return admitOrganization(request, cached)
      return withContext(fastify.db, request.rlsContext!, (trx) =>
        findOrganization(trx, tenant.id, uuidPattern.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug })).then((organization) => {
        if (organization) fastify.lookups.organizations.set(cacheKey, organization)
        admitOrganization(request, organization)
      })
    },
    crossTenant(request) {
      request.rlsContext = { kind: 'user', userId: request.user!.id }
    },
    cdcSecret(request) {
      // Before the WebSocket upgrade: a wrong or missing secret never gets a connection.
      const expected = fastify.config.cdcSecret
      const given = request.headers['x-cdc-secret']
      if (!expected || typeof given !== 'string' || !safeEqual(given, expected)) {
        throw new AppError(401, 'unauthorized', 'warn', { message: 'CDC secret required' })
      }
    },
  }

  const isPublicRoute = publicRouteMatcher(fastify.config.publicRoutes)
  // Every route — automatic HEAD twins (Fastify clones the GET's options, guards included),
  // OPTIONS, and routes other plugins register — runs its guard chain or is allow-listed.
  fastify.addHook('onRoute', (route) => {
    const declared = route.config?.guards
    const methods = [route.method].flat()
    if (!declared && methods.every((method) => isPublicRoute(method, route.url))) return
    validateChain(route, declared)
    // `public` does nothing on a route without a tenant: such a route runs no guard code at all.
    const tenantless = !route.url.includes(':tenantId')
    const chain = declared.filter((guard) => !(guard === 'public' && tenantless)).map((guard) => guards[guard])
    // Guards run on onRequest: before the body is read or validated, so an unauthorised caller
    // learns nothing about the route's input and costs no parsing; and before the route's own
    // onRequest hooks, so nothing a route (or its plugin) adds runs for a caller its guards refuse.
    const existing = route.onRequest ? [route.onRequest].flat() : []
    route.onRequest = chain.length ? [chainHook(chain), ...existing] : existing
    // Only `tenant`, `crossTenant` and a tenant's `public` open an RLS context: other routes' handlers run as they are.
    const opensContext = declared.some((guard) => guard === 'tenant' || guard === 'crossTenant' || (guard === 'public' && !tenantless))
    if (route.config?.rlsTransaction === false || !opensContext) return
    const handler = route.handler
    route.handler = async function (request, reply) {
      const context = request.rlsContext
      if (!context) return handler.call(this, request, reply)
      // A read (GET, HEAD) cannot write, whatever its handler does: the database refuses.
      const result = await withContext(fastify.db, context, async (trx) => {
        handlerDb.set(request, trx)
        try {
          return await handler.call(this, request, reply)
        } finally {
          handlerDb.delete(request)
        }
      }, { readOnly: request.method === 'GET' || request.method === 'HEAD' })
      for (const work of pending.get(request) ?? []) {
        await work().catch((err: unknown) => request.log.error({ err }, 'after-commit work failed'))
      }
      return result
    }
  })
}, { name: 'guards', dependencies: ['config', 'errors', 'auth', 'lookup-caches'] })
