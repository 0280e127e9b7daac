import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { AppError } from '../../lib/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Rate-limit this route per client IP and per `body.email` (sign-up, sign-in). */
    authRateLimit?: boolean
  }
}

/**
 * Rate limits on auth routes (SPEC §5), counted in the `rate_limits` table so every API instance
 * shares them. A window opens at the first hit and resets after `timeWindowMs`.
 */
export default fp(async (fastify) => {
  const options = fastify.config.rateLimit
  if (!options || !fastify.config.database) return
  const db = fastify.db

  class DatabaseStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      sql<{ count: number; ttl: number }>`
        insert into rate_limits as r (key, count, reset_at)
        values (${key}, 1, now() + make_interval(secs => ${timeWindow / 1000}))
        on conflict (key) do update set
          count = case when r.reset_at <= now() then 1 else r.count + 1 end,
          reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
        returning count, greatest(0, ceil(extract(epoch from reset_at - now()) * 1000))::int as ttl`
        .execute(db)
        .then(({ rows: [row] }) => callback(null, { current: row!.count, ttl: row!.ttl }), (error: Error) => callback(error))
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }

  // The store is the plugin's: limiters made by createRateLimit derive theirs from it.
  await fastify.register(rateLimit, { global: false, store: DatabaseStore })
  const limit = (keyOf: (request: FastifyRequest) => string) => fastify.createRateLimit({
    max: options.max,
    timeWindow: options.timeWindowMs,
    keyGenerator: keyOf,
  })
  const emailOf = (request: FastifyRequest) => {
    const email = (request.body as { email?: unknown } | undefined)?.email
    return typeof email === 'string' ? email.trim().toLowerCase() : undefined
  }
  const byIp = limit((request) => `auth:ip:${request.ip}`)
  const byEmail = limit((request) => `auth:email:${emailOf(request)}`)

  fastify.addHook('onRoute', (route) => {
    if (!route.config?.authRateLimit) return
    const check = async (request: FastifyRequest, reply: FastifyReply) => {
      const checks = emailOf(request) ? [byIp, byEmail] : [byIp]
      for (const result of await Promise.all(checks.map((check) => check(request)))) {
        if (result.isAllowed || !result.isExceeded) continue
        reply.header('retry-after', String(result.ttlInSeconds))
        throw new AppError(429, 'rate_limited', 'warn', {
          message: `Too many attempts, retry in ${result.ttlInSeconds} s`,
          meta: { retryAfter: result.ttlInSeconds },
        })
      }
    }
    route.preHandler = [check, ...(route.preHandler ? [route.preHandler].flat() : [])]
  })
}, { name: 'rate-limit', dependencies: ['config', 'db'] })
