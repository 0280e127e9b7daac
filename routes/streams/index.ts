import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { membershipsOfUser } from '../../db/tenants.js'
import { AppError } from '../../lib/errors.js'
import { noDatabase } from '../../plugins/app/db.js'
import { errorOf, errorSchema, streamResponse } from '../../lib/schemas.js'
import { toChangeEvent } from '../../sync/activity.js'
import { SseConnection } from '../../sync/sse-connection.js'

const cursorPattern = /^[0-9A-F]{16}-[0-9a-f]{6}$/
const streamQuery = z.object({
  offset: z.string().max(64).optional().describe('resume after this cursor; `now` = live only'),
  live: z.enum(['catchup']).optional().describe('`catchup`: answer the replay as JSON and close'),
})
const streamDescription = 'text/event-stream: `retry:`, replayed `change` events (id = cursor), `event: offset` '
  + 'with `{"cursor"}`, then live `change` events and heartbeat comments. Resume with Last-Event-ID or ?offset=. '
  + 'With `?live=catchup`: the replay as one JSON answer, then the connection closes.'
const tooManyStreamsError = errorOf('too_many_streams')

/** Where to start: Last-Event-ID, else ?offset=, else the beginning; 'now' = live only. */
function startCursor(request: FastifyRequest<{ Querystring: z.infer<typeof streamQuery> }>): string | 'now' {
  const header = request.headers['last-event-id']
  const requested = (typeof header === 'string' && header !== '' ? header : undefined) ?? request.query.offset ?? ''
  if (requested === 'now' || requested === '' || cursorPattern.test(requested)) return requested
  throw new AppError(400, 'validation_error', 'warn', { message: 'Invalid stream cursor (Last-Event-ID or offset)', meta: { field: 'offset' } })
}

/** Realtime streams (SPEC §7). */
const streamRoutes: FastifyPluginAsyncZod = async (fastify) => {
  if (!fastify.config.sync) return
  const limits = fastify.config.streams

  /** 429 with a Retry-After of the streams' reconnect hint: a slot frees when a stream ends. */
  function tooManyStreams(reply: FastifyReply, message: string): AppError {
    reply.header('retry-after', String(Math.ceil(limits.retryMs / 1000)))
    return new AppError(429, 'too_many_streams', 'warn', { message })
  }

  /** Is any of these tenants active? Read from the table: a suspension counts from its commit. */
  const anyActive = async (tenantIds: string[]) => (await fastify.db.selectFrom('tenants').select('id')
    .where('id', 'in', tenantIds).where('status', '=', 'active').executeTakeFirst()) !== undefined

  /**
   * The stream engine. With `database: false` the routes exist (the OpenAPI document lists them)
   * but the engine does not: its requests answer 503 `no_database` (their guards already do).
   */
  function engine() {
    const { streams, streamObserver, activityBus } = fastify
    if (!streams || !streamObserver || !activityBus) throw noDatabase()
    return { streams, streamObserver, activityBus }
  }

  function openConnection(request: FastifyRequest, reply: FastifyReply): SseConnection {
    const { streams, streamObserver } = engine()
    if (streams.registry.size + streams.publicCount >= limits.maxConnections) {
      throw tooManyStreams(reply, 'This server holds as many streams as it can')
    }
    reply.hijack()
    const connection = new SseConnection(reply.raw, limits, reply.getHeaders(), streamObserver)
    request.log.debug('stream opened')
    return connection
  }

  fastify.get('/entities/app/stream', {
    // No HEAD twin: a HEAD response has no body, so it would hold a stream (and a slot of the
    // caps) open that can never send anything (SseConnection never writes a bodyless response's frames).
    exposeHeadRoute: false,
    config: { guards: ['auth'], rlsTransaction: false },
    schema: {
      tags: ['streams'],
      summary: 'Changes I may read, in commit order, resumable',
      description: streamDescription,
      querystring: streamQuery,
      operationId: 'streamChanges',
      response: { 200: streamResponse('The changes I may read'), 400: errorSchema, 401: errorSchema, 403: errorOf('token_scope', 'tenant_suspended'), 429: tooManyStreamsError },
    },
  }, async (request, reply) => {
    // The stream spans the user's tenants (memberships and invitations follow the user), so a
    // tenant-scoped API token cannot be narrowed to its tenant here: refused.
    if (request.tenantScope) {
      throw new AppError(403, 'token_scope', 'warn', { message: 'This stream needs an API token without a tenant scope', entityType: 'tenant' })
    }
    const user = request.user!
    const cursor = startCursor(request)
    const { streams, activityBus } = engine()
    // Taken before the read: a membership change routed while the stream opens still reaches it.
    const fence = streams.membershipFence()
    const memberships = await membershipsOfUser(fastify.db, user.id)
    // The stream spans the user's tenants; it is refused only when none of them is active (live
    // and replayed changes of an inactive tenant are left out of it either way).
    if (!request.isSystemAdmin && memberships.length > 0 && !await anyActive(memberships.map((m) => m.tenantId))) {
      throw new AppError(403, 'tenant_suspended', 'warn', { message: 'Every tenant of this user is suspended or archived', entityType: 'tenant' })
    }
    const subject = { userId: user.id, isSystemAdmin: request.isSystemAdmin, organizations: new Map(memberships.map((m) => [m.organizationId, m.role])) }
    if (request.query.live === 'catchup') {
      const from = cursor === 'now' ? activityBus.cursor : cursor
      const { activities, cursor: next } = await streams.catchUp(streams.userReplay(subject), from)
      return { activities: activities.map((a) => toChangeEvent(a)), cursor: next }
    }
    if (streams.registry.countFor(user.id) >= limits.maxPerUser) {
      throw tooManyStreams(reply, `At most ${limits.maxPerUser} streams per user`)
    }
    const connection = openConnection(request, reply)
    await streams.openUser({ ...subject, connection }, cursor, fence)
    return reply
  })

  if (!fastify.config.publicAccess) return
  fastify.get('/public/:tenantId/stream', {
    exposeHeadRoute: false,
    config: { guards: ['public'], rlsTransaction: false },
    schema: {
      tags: ['streams'],
      summary: 'Changes of the public pages of one tenant',
      description: streamDescription,
      params: z.object({ tenantId: z.string() }),
      querystring: streamQuery,
      operationId: 'streamPublicChanges',
      response: { 200: streamResponse('The changes of the tenant\'s public pages'), 400: errorSchema, 404: errorSchema, 429: tooManyStreamsError },
    },
  }, async (request, reply) => {
    const tenantId = request.tenant!.id
    const cursor = startCursor(request)
    const { streams, activityBus } = engine()
    if (request.query.live === 'catchup') {
      const from = cursor === 'now' ? activityBus.cursor : cursor
      const { activities, cursor: next } = await streams.catchUp(streams.publicReplay(tenantId), from)
      return { activities: activities.map((a) => toChangeEvent(a)), cursor: next }
    }
    // Anonymous streams cost the same as signed-in ones: one address may not hold the server's share.
    if (streams.publicCountFor(request.ip) >= limits.maxAnonymousPerClient) {
      throw tooManyStreams(reply, `At most ${limits.maxAnonymousPerClient} public streams per client`)
    }
    const connection = openConnection(request, reply)
    await streams.openPublic(tenantId, request.ip, connection, cursor)
    return reply
  })
}

export default streamRoutes
