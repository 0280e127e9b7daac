import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { createApiToken, deleteApiToken, listApiTokens } from '../../db/api-tokens.js'
import type { ApiToken } from '../../db/schema.js'
import { findTenant } from '../../db/tenants.js'
import { AppError } from '../../lib/errors.js'
import { errorOf, errorSchema, listOf, tenantIdSchema, timestamp } from '../../lib/schemas.js'
import { randomToken, sha256 } from '../../lib/secrets.js'
import { apiTokenPrefix } from '../../plugins/app/auth.js'
import { tenantNotFound } from '../../plugins/app/tenancy.js'

const apiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The one tenant the token may act in; null = wherever its user may. */
  tenantId: z.string().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable().describe('to the minute'),
}).meta({ id: 'ApiToken' })

const createdApiToken = apiTokenSchema.extend({
  token: z.string().describe('`Authorization: Bearer <token>`; shown only in this response'),
}).meta({ id: 'CreatedApiToken' })

const createBody = z.object({
  name: z.string().trim().min(1).max(200),
  tenantId: tenantIdSchema.optional().describe('limit the token to this tenant'),
  expiresAt: timestamp.refine((at) => Date.parse(at) > Date.now(), 'must be in the future').optional(),
}).meta({ example: { name: 'CI deploy', tenantId: 'a1b2c3', expiresAt: '2030-01-01T00:00:00Z' } })

const iso = (at: Date | string | null) => (at === null ? null : new Date(at).toISOString())

const toApiTokenDto = (t: ApiToken) => ({
  id: t.id, name: t.name, tenantId: t.scope_tenant_id,
  createdAt: iso(t.created_at)!, expiresAt: iso(t.expires_at), lastUsedAt: iso(t.last_used_at),
})

/** A token cannot manage tokens: a leaked one can neither mint successors nor widen its scope. */
function requireSession(request: FastifyRequest): void {
  if (!request.session) {
    throw new AppError(403, 'session_required', 'warn', { message: 'Sign in with a session to manage API tokens' })
  }
}

/** Personal API tokens for clients without a cookie jar (issue 14). */
const tokenRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.post('/me/tokens', {
    config: { guards: ['auth'] },
    schema: {
      tags: ['me'],
      summary: 'Create an API token (shown once; only its hash is kept)',
      body: createBody,
      response: { 201: createdApiToken, 400: errorSchema, 401: errorSchema, 403: errorOf('session_required'), 404: errorOf('tenant_not_found') },
    },
  }, async (request, reply) => {
    requireSession(request)
    const { name, tenantId, expiresAt } = request.body
    if (tenantId && !await findTenant(fastify.db, tenantId)) {
      throw tenantNotFound()
    }
    const token = `${apiTokenPrefix}${randomToken()}`
    const created = await createApiToken(fastify.db, {
      secret: sha256(token), userId: request.user!.id, name, tenantId: tenantId ?? null, expiresAt: expiresAt ? new Date(expiresAt) : null,
    })
    reply.code(201)
    return { ...toApiTokenDto(created), token }
  })

  fastify.get('/me/tokens', {
    config: { guards: ['auth'] },
    schema: { tags: ['me'], summary: 'My API tokens (never their secrets)', response: { 200: listOf(apiTokenSchema), 401: errorSchema, 403: errorOf('session_required') } },
  }, async (request) => {
    requireSession(request)
    const tokens = await listApiTokens(fastify.db, request.user!.id)
    return { items: tokens.map(toApiTokenDto), total: tokens.length }
  })

  fastify.delete('/me/tokens/:id', {
    config: { guards: ['auth'] },
    schema: {
      tags: ['me'],
      summary: 'Revoke an API token (every instance refuses it within a second)',
      params: z.object({ id: z.uuid() }),
      response: { 204: z.null(), 400: errorSchema, 401: errorSchema, 403: errorOf('session_required'), 404: errorOf('api_token_not_found') },
    },
  }, async (request, reply) => {
    requireSession(request)
    const secret = await deleteApiToken(fastify.db, request.user!.id, request.params.id)
    if (!secret) throw new AppError(404, 'api_token_not_found', 'info', { message: 'API token not found', entityType: 'api_token' })
    // Here at once; the database's notice (migration 0010) tells the other instances.
    fastify.lookups.forgetApiToken(secret)
    reply.code(204)
    return null
  })
}

export default tokenRoutes
