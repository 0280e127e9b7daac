import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { AppError } from '../../lib/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `credentials`: sign-up and sign-in, limited by `body.email` and client address (below).
     * `verificationMail`: one verification mail per signed-in user per interval.
     */
    authRateLimit?: 'credentials' | 'verificationMail'
  }
}

/**
 * Rate limits on auth routes (SPEC §5), counted in the `rate_limits` table so every API instance
 * shares them. A window opens at the first hit and resets after its length.
 *
 * Credentials slow brute force without handing anyone a lock-out: a plain per-email limit let
 * anyone lock an account's owner out with ten wrong passwords (issue 12.9). Three counters instead:
 * - per (email, client address): `max` attempts per `timeWindowMs`, and each new trip within
 *   `emailWindowMs` doubles the block (1, 2, 4… windows): one address gets about 6 × `max`
 *   guesses an hour at an account, never enough to reach the email ceiling alone;
 * - per client address, any email: `addressMax` per `timeWindowMs` (password spraying);
 * - per email, any address: `emailMax` per `emailWindowMs`, a ceiling only many addresses reach.
 * An attempt refused by one counter is not counted by the next, so an attacker hammering from
 * one address uses none of the owner's allowance: the owner signs in from any other address.
 */
export default fp(async (fastify) => {
  const options = fastify.config.rateLimit
  if (!options || !fastify.config.database) return
  const { max, timeWindowMs, addressMax, emailMax, emailWindowMs, verificationMailIntervalMs } = options
  const db = fastify.db

  /** Counts one hit on `key`: the count in the current window and the seconds until it resets. */
  async function hit(key: string, windowMs: number): Promise<{ count: number; retryAfter: number }> {
    const { rows: [row] } = await sql<{ count: number; retryAfter: number }>`
      insert into rate_limits as r (key, count, reset_at)
      values (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}))
      on conflict (key) do update set
        count = case when r.reset_at <= now() then 1 else r.count + 1 end,
        reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
      returning count, greatest(1, ceil(extract(epoch from reset_at - now())))::int as "retryAfter"`.execute(db)
    return row!
  }

  /** Keeps the window of `key` (already over its limit) closed for `blockMs` from now. */
  async function block(key: string, blockMs: number): Promise<number> {
    await sql`update rate_limits set reset_at = now() + make_interval(secs => ${blockMs / 1000}) where key = ${key}`.execute(db)
    return Math.ceil(blockMs / 1000)
  }

  const refused = (reply: FastifyReply, retryAfter: number) => {
    reply.header('retry-after', String(retryAfter))
    return new AppError(429, 'rate_limited', 'warn', { message: `Too many attempts, retry in ${retryAfter} s`, meta: { retryAfter } })
  }

  const emailOf = (request: FastifyRequest) => {
    const email = (request.body as { email?: unknown } | undefined)?.email
    return typeof email === 'string' ? email.trim().toLowerCase() : undefined
  }

  async function limitCredentials(request: FastifyRequest, reply: FastifyReply) {
    const address = request.ip
    const email = emailOf(request)
    if (email) {
      const pairKey = `auth:pair:${address}:${email}`
      const pair = await hit(pairKey, timeWindowMs)
      if (pair.count > max) {
        if (pair.count > max + 1) throw refused(reply, pair.retryAfter)
        // Tripped just now: the block grows with every trip of this pair.
        const strikes = await hit(`auth:strikes:${address}:${email}`, emailWindowMs)
        const blockMs = Math.min(timeWindowMs * 2 ** (strikes.count - 1), emailWindowMs)
        throw refused(reply, await block(pairKey, blockMs))
      }
    }
    const byAddress = await hit(`auth:address:${address}`, timeWindowMs)
    if (byAddress.count > addressMax) throw refused(reply, byAddress.retryAfter)
    if (!email) return
    const byEmail = await hit(`auth:email:${email}`, emailWindowMs)
    if (byEmail.count > emailMax) throw refused(reply, byEmail.retryAfter)
  }

  async function limitVerificationMail(request: FastifyRequest, reply: FastifyReply) {
    const sent = await hit(`auth:verification-mail:${request.user!.id}`, verificationMailIntervalMs)
    if (sent.count > 1) throw refused(reply, sent.retryAfter)
  }

  const limiters = { credentials: limitCredentials, verificationMail: limitVerificationMail }
  fastify.addHook('onRoute', (route) => {
    const kind = route.config?.authRateLimit
    if (!kind) return
    route.preHandler = [limiters[kind], ...(route.preHandler ? [route.preHandler].flat() : [])]
  })
}, { name: 'rate-limit', dependencies: ['config', 'db'] })
