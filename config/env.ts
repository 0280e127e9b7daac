import { z } from 'zod'

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL')

const optionalSecret = z.string().min(16, 'must be at least 16 characters').optional()

/** Every environment variable the process reads (SPEC §2), validated once at start. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEV_MODE: z.enum(['none', 'core', 'full']).default('full'),
  /** Where the sync engine takes changes from (`DEV_MODE=full`): logical replication, or triggers + NOTIFY. */
  SYNC_SOURCE: z.enum(['replication', 'notify']).default('replication'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_ADMIN_URL: postgresUrl.optional(),
  CDC_DATABASE_URL: postgresUrl.optional(),
  CDC_SECRET: optionalSecret,
  /** Where the CDC worker pushes (any API instance); default ws://127.0.0.1:$PORT/internal/cdc. */
  CDC_INGEST_URL: z.string().regex(/^wss?:\/\/[^/]+\/internal\/cdc$/, 'must be a ws:// or wss:// URL ending in /internal/cdc').optional(),
  COOKIE_SECRET: optionalSecret,
  TENANCY: z.enum(['single', 'multi']).default('single'),
  SEED_ADMIN_EMAIL: z.email().optional(),
  SEED_ADMIN_PASSWORD: z.string().min(8).max(100).optional(),
  APP_URL: z.url().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).optional(),
  /** `off` (default) or the partitioned tables and their periods, e.g. `activities:daily,sessions:monthly` (docs/operations.md#partitioning). */
  PARTITIONING: z.string().regex(/^(off|activities:(daily|monthly)(,sessions:(daily|monthly))?)$/,
    'must be off or activities:<daily|monthly>, optionally followed by ,sessions:<daily|monthly>').default('off'),
  /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalSecret,
})

export type Env = z.infer<typeof envSchema>

export class EnvError extends Error {
  override name = 'EnvError'
}

/** For a process entry point: the environment, or exit 1 with a message naming each bad variable. */
export function loadEnvOrExit(load: (source: NodeJS.ProcessEnv) => Env = loadEnv): Env {
  try {
    return load(process.env)
  } catch (error) {
    if (!(error instanceof EnvError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}

/** Parses `source` (default `process.env`); throws an `EnvError` naming each bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty string means "unset" for every variable, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''))
  const result = envSchema.safeParse(present)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  throw new EnvError(`Invalid environment:\n  ${problems.join('\n  ')}`)
}

type SecretName = 'COOKIE_SECRET' | 'CDC_SECRET'

/** The secrets the API process signs or authenticates with in this mode (SPEC §2). */
function apiSecretsFor(env: Env): SecretName[] {
  if (env.DEV_MODE === 'none') return []
  // The replication source accepts the CDC worker's WebSocket, which the CDC secret authenticates.
  return env.DEV_MODE === 'full' && env.SYNC_SOURCE === 'replication' ? ['COOKIE_SECRET', 'CDC_SECRET'] : ['COOKIE_SECRET']
}

/**
 * The API process's environment: `loadEnv`, and outside development every secret it needs is set
 * (development generates the missing ones and keeps them under `.data/`). Never a built-in key.
 */
export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const env = loadEnv(source)
  const missing = env.NODE_ENV === 'development' ? [] : apiSecretsFor(env).filter((name) => !env[name])
  if (missing.length === 0) return env
  const problems = missing.map((name) => `${name}: required outside NODE_ENV=development (at least 16 random characters)`)
  throw new EnvError(`Invalid environment:\n  ${problems.join('\n  ')}`)
}
