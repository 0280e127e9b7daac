import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Organization, Tenant } from '../../db/schema.js'
import type { UserMembership } from '../../db/tenants.js'
import { AppError } from '../../lib/errors.js'
import { safeEqual } from '../../lib/secrets.js'
import { membershipIn, tenantNotFound } from './tenancy.js'

/** The guards a route may declare (SPEC §5), run in the order declared. */
export type Guard = 'public' | 'auth' | 'sysAdmin' | 'tenant' | 'org' | 'crossTenant' | 'cdcSecret'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route states who may call it; a route without this fails to register. */
    guards?: Guard[]
  }
}

const needsAuth: readonly Guard[] = ['sysAdmin', 'tenant', 'org', 'crossTenant']

/** `public` does nothing on a route without a tenant: such a route runs no guard code at all. */
const isTenantless = (route: RouteOptions) => !route.url.includes(':tenantId')

/** Does this route's guard chain open an RLS context? `tenant`, `crossTenant` and a tenant's `public` do. */
export function opensRlsContext(route: RouteOptions): boolean {
  return (route.config?.guards ?? []).some((guard) => guard === 'tenant' || guard === 'crossTenant' || (guard === 'public' && !isTenantless(route)))
}

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

const param = (request: FastifyRequest, name: string): string | undefined =>
  (request.params as Record<string, string | undefined> | undefined)?.[name]

/**
 * Guards as per-route hooks (SPEC §5): who may call each route, and the RLS context its handler
 * runs in (plugins/app/rls.ts opens the transaction; plugins/app/tenancy.ts finds the tenant and
 * organization).
 */
export default fp(async (fastify) => {
  const { publicAccess } = fastify.config
  const { tenancy } = fastify
  const tenantOf = (request: FastifyRequest) => tenancy.tenant(param(request, 'tenantId') ?? '')

  function admitTenant(request: FastifyRequest, tenant: Tenant, all: UserMembership[]): void {
    const memberships = all.filter((m) => m.tenantId === tenant.id)
    // In single-tenant mode every user belongs to the one tenant; in multi mode a membership is needed.
    if (fastify.config.tenancy === 'multi' && memberships.length === 0 && !request.isSystemAdmin) {
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
        if (tenant.status !== 'active') throw tenantNotFound()
        request.tenant = tenant
        request.rlsContext = { kind: 'public', tenantId: tenant.id }
      })
    },
    auth: (request, reply) => fastify.auth.authenticate(request, reply),
    sysAdmin(request) {
      if (!request.isSystemAdmin) throw new AppError(403, 'no_sysadmin', 'warn', { message: 'System admins only' })
    },
    tenant(request) {
      return then(tenantOf(request), (tenant) => then(tenancy.memberships(request.user!.id), (all) => admitTenant(request, tenant, all)))
    },
    org(request) {
      const idOrSlug = param(request, 'orgId') ?? param(request, 'idOrSlug') ?? ''
      return then(tenancy.organization(request, idOrSlug), (organization) => admitOrganization(request, organization))
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
    const chain = declared.filter((guard) => !(guard === 'public' && isTenantless(route))).map((guard) => guards[guard])
    // Guards run on onRequest: before the body is read or validated, so an unauthorised caller
    // learns nothing about the route's input and costs no parsing; and before the route's own
    // onRequest hooks, so nothing a route (or its plugin) adds runs for a caller its guards refuse.
    const existing = route.onRequest ? [route.onRequest].flat() : []
    route.onRequest = chain.length ? [chainHook(chain), ...existing] : existing
  })
}, { name: 'guards', dependencies: ['config', 'errors', 'auth', 'tenancy', 'rls'] })
