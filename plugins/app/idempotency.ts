import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../lib/errors.js'
import { sha256 } from '../../lib/secrets.js'

const mutations = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const header = 'idempotency-key'

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request reserved; its response is stored on send. */
    idempotencyKey: string | null
  }
}

/**
 * `Idempotency-Key` on authenticated mutations (SPEC §5): the first request with a key reserves
 * it, its response is stored, and a replay (same key, same method, URL and body) gets that
 * response again without running the handler. The same key with another request → 409.
 */
export default fp(async (fastify) => {
  if (!fastify.config.database) return
  fastify.decorateRequest('idempotencyKey', null)

  async function reserveOrReplay(request: FastifyRequest, reply: FastifyReply) {
    const key = request.headers[header]
    if (key === undefined) return
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
      throw new AppError(400, 'validation_error', 'warn', { message: 'Idempotency-Key must be 1 to 200 characters' })
    }
    const userId = request.user!.id
    const requestHash = sha256(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    const reserved = await fastify.db.insertInto('idempotency_keys')
      .values({ user_id: userId, key, request_hash: requestHash })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .returning('key').executeTakeFirst()
    if (reserved) {
      request.idempotencyKey = key
      return
    }
    const first = await fastify.db.selectFrom('idempotency_keys').selectAll()
      .where('user_id', '=', userId).where('key', '=', key).executeTakeFirstOrThrow()
    if (first.request_hash !== requestHash) {
      throw new AppError(409, 'idempotency_key_mismatch', 'warn', { message: 'This Idempotency-Key was used for another request' })
    }
    if (first.status_code === null) {
      throw new AppError(409, 'idempotency_key_in_progress', 'warn', { message: 'The first request with this Idempotency-Key is still running' })
    }
    reply.header('idempotent-replayed', 'true').code(first.status_code)
    if (first.response === null) return reply.send()
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(first.response))
  }

  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    if (!methods.some((m) => mutations.has(m)) || !route.config?.guards?.includes('auth')) return
    route.preHandler = [...(route.preHandler ? [route.preHandler].flat() : []), reserveOrReplay]
    // Only these routes pay for storing responses: reads never run the hook.
    route.onSend = [...(route.onSend ? [route.onSend].flat() : []), storeResponse]
  })

  async function storeResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const key = request.idempotencyKey
    if (!key) return payload
    const where = { user_id: request.user!.id, key }
    if (reply.statusCode >= 500) {
      // A failure is not a result: free the key so the client can retry.
      await fastify.db.deleteFrom('idempotency_keys').where('user_id', '=', where.user_id).where('key', '=', key).execute()
      return payload
    }
    const response = typeof payload === 'string' && payload.length > 0 ? JSON.parse(payload) as unknown : null
    await fastify.db.updateTable('idempotency_keys').set({ status_code: reply.statusCode, response: JSON.stringify(response) })
      .where('user_id', '=', where.user_id).where('key', '=', key).execute()
    return payload
  }
}, { name: 'idempotency', dependencies: ['config', 'db', 'guards'] })
