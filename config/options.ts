import { z } from 'zod'
import type { AuthorMigrations } from '../db/migrate.js'
import type { AnyEntity } from '../entities/definition.js'

/**
 * Time partitioning of the change log and sessions (docs/operations.md#partitioning): `activities`
 * by `created_at`, `sessions` by `expires_at`, one partition per day or month; retention drops
 * whole partitions. The tables are converted by `npm run db:partition` (or at boot and by
 * `npm run migrate` while they are empty, with `PARTITIONING`); the app creates partitions ahead.
 */
export const partitioningSchema = z.object({
  activities: z.enum(['daily', 'monthly']).default('daily'),
  /** `false`: sessions stay a plain table. */
  sessions: z.union([z.literal(false), z.enum(['daily', 'monthly'])]).default('monthly'),
})

export type PartitioningOptions = z.output<typeof partitioningSchema>

/**
 * Registration options of the Strata plugin (SPEC §1): the single place where every option is
 * typed, documented and defaulted. `app.register(strata, options)` accepts the input shape;
 * plugins read the resolved shape from `fastify.config`.
 */
export const strataOptionsSchema = z.object({
  /** `single`: one tenant `main`, no `/tenants` routes. `multi`: system admins manage tenants. */
  tenancy: z.enum(['single', 'multi']).default('single'),
  /** Realtime sync engine; `false` registers no stream routes, no ingest and no worker. */
  sync: z.union([z.literal(false), z.object({
    source: z.enum(['replication', 'notify']),
    /** Logical replication slot (cluster-wide: one per database). */
    slot: z.string().regex(/^[a-z0-9_]{1,63}$/).default('strata_slot'),
    publication: z.string().regex(/^[a-z0-9_]{1,63}$/).default('strata_pub'),
    /** Warn in the log when the slot retains more WAL than this. */
    retainedWalWarnBytes: z.number().int().positive().default(1024 ** 3),
  })]).default({ source: 'replication', slot: 'strata_slot', publication: 'strata_pub', retainedWalWarnBytes: 1024 ** 3 }),
  /** LRU cache for single-entity reads. */
  entityCache: z.union([z.literal(false), z.object({
    max: z.number().int().positive().default(10_000),
    ttlMs: z.number().int().positive().default(60_000),
  })]).default({ max: 10_000, ttlMs: 60_000 }),
  /** Concurrent identical reads share one query. */
  coalescing: z.boolean().default(true),
  /** Public (unauthenticated) page reads and stream. */
  publicAccess: z.boolean().default(true),
  /** Rate limits on auth routes (plugins/app/rate-limit.ts says why these three); `false` disables them. */
  rateLimit: z.union([z.literal(false), z.object({
    /** Sign-up/sign-in attempts per (email, client address) per window; each new trip doubles the block. */
    max: z.number().int().positive().default(10),
    timeWindowMs: z.number().int().positive().default(60_000),
    /** Attempts per client address, any email, per window. */
    addressMax: z.number().int().positive().default(30),
    /** Attempts per email, any address, per `emailWindowMs`: the ceiling against distributed guessing. */
    emailMax: z.number().int().positive().default(100),
    emailWindowMs: z.number().int().positive().default(3_600_000),
    /** One verification mail per user per interval. */
    verificationMailIntervalMs: z.number().int().positive().default(60_000),
  })]).default({ max: 10, timeWindowMs: 60_000, addressMax: 30, emailMax: 100, emailWindowMs: 3_600_000, verificationMailIntervalMs: 60_000 }),
  /**
   * `GET /metrics` in Prometheus text format: `true` serves it to anyone (an explicit opt-in),
   * `{ token }` only with `Authorization: Bearer <token>`, `false` not at all.
   */
  metrics: z.union([z.boolean(), z.object({ token: z.string().min(16) })]).default(true),
  /** Load shedding: 503 `overloaded` while the event loop is saturated; `false` turns it off. */
  loadShedding: z.union([z.literal(false), z.object({
    maxEventLoopDelayMs: z.number().int().positive().default(1_000),
    maxEventLoopUtilization: z.number().positive().max(1).default(0.98),
  })]).default({ maxEventLoopDelayMs: 1_000, maxEventLoopUtilization: 0.98 }),
  /** `GET /openapi.json` and Swagger UI at `/docs`. */
  openapi: z.boolean().default(true),
  /** `GET /demo`: a page that signs in and shows an organization's pages changing live (development). */
  demo: z.boolean().default(false),
  /** Partitioning of `activities` and `sessions` (`partitioningSchema`); `false`: plain tables, nothing registered. */
  partitioning: z.union([z.literal(false), partitioningSchema]).default(false),
  /** Database connections; `false` runs without a database (OpenAPI generation only). */
  database: z.union([z.literal(false), z.object({
    /** Runtime role connection (NOBYPASSRLS): every request runs here. */
    url: z.string().min(1),
    poolMax: z.number().int().positive().default(10),
    /** Time to wait for a free pooled connection before answering 503. */
    connectionTimeoutMs: z.number().int().positive().default(5_000),
  })]),
  /** Origin allowed for CORS and cookie-authenticated mutations. */
  appUrl: z.string().optional(),
  /**
   * The one allow-list of routes that run without a guard chain: routes other Fastify plugins
   * register (Swagger UI, the CORS preflight). Entries are `METHOD /path` (exact), `METHOD /prefix/*`
   * (any path under the prefix) or `OPTIONS *` (the CORS plugin's catch-all preflight, which answers
   * headers only); an allowed GET allows its automatic HEAD twin.
   * Any other route without `config.guards` is a boot error.
   */
  publicRoutes: z.array(z.string().regex(/^(GET|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*$|^OPTIONS \*$/, 'must be "METHOD /path"'))
    .default(['GET /docs', 'GET /docs/*', 'OPTIONS *']),
  /** Largest accepted request body, in bytes (over it → 413). */
  bodyLimit: z.number().int().positive().default(1024 * 1024),
  /** Shared secret of the CDC worker's WebSocket. */
  cdcSecret: z.string().min(16).optional(),
  /** Signs the session cookie; required with a database (there is no built-in key). */
  cookieSecret: z.string().min(16).optional(),
  /** Server-Sent-Event streams (SPEC §7). */
  streams: z.object({
    /** A comment line at least this often keeps proxies from closing idle streams. */
    heartbeatMs: z.number().int().positive().max(25_000).default(20_000),
    /** A stream whose unsent bytes pass this is closed; the client resumes by its last id. */
    maxBufferedBytes: z.number().int().positive().default(1024 * 1024),
    maxPerUser: z.number().int().positive().default(20),
    maxConnections: z.number().int().positive().default(20_000),
    /** Public (anonymous) streams one client address may hold; they count against `maxConnections` too. */
    maxAnonymousPerClient: z.number().int().positive().default(5),
    /** `retry:` hint sent on connect and on shutdown, in ms. */
    retryMs: z.number().int().positive().default(2_000),
  }).default({ heartbeatMs: 20_000, maxBufferedBytes: 1024 * 1024, maxPerUser: 20, maxConnections: 20_000, maxAnonymousPerClient: 5, retryMs: 2_000 }),
  /** Outgoing mail: `outbox` writes each message to a folder (development), `smtp` sends it. */
  mailer: z.discriminatedUnion('transport', [
    z.object({ transport: z.literal('outbox'), dir: z.string().min(1).default('.data/outbox') }),
    z.object({ transport: z.literal('smtp'), url: z.string().min(1) }),
  ]).default({ transport: 'outbox', dir: '.data/outbox' }),
  /** Sender of outgoing mail. */
  mailFrom: z.string().min(3).default('Strata <no-reply@strata.local>'),
  /** `Secure` cookies; only development over plain http turns this off. */
  secureCookies: z.boolean().default(true),
  /**
   * A plugin author's migrations (name → migration, or a function of the role names), run after
   * Strata's by the same Migrator (`migrateToLatest(adminUrl, roles, migrations)`) and counted by `/ready`.
   */
  migrations: z.custom<AuthorMigrations>((value) => typeof value === 'function' || (typeof value === 'object' && value !== null),
    'a record of migrations or a function of the role names').optional(),
  /**
   * A plugin author's entities (SPEC §12), registered after pages and attachments; each gets its
   * routes at once. A plugin may also call `fastify.entities.register` before the app is ready.
   */
  entities: z.array(z.custom<AnyEntity>((value) => typeof value === 'object' && value !== null && 'type' in value && 'table' in value,
    'an entity declared with defineEntity')).default([]),
}).refine((options) => !options.database || options.cookieSecret, {
  path: ['cookieSecret'], message: 'required when a database is configured (it signs the session cookie)',
})

export type StrataOptionsInput = z.input<typeof strataOptionsSchema>
export type StrataOptions = z.output<typeof strataOptionsSchema>

export function resolveOptions(input: StrataOptionsInput): StrataOptions {
  return strataOptionsSchema.parse(input)
}
