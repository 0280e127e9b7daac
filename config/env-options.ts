import type { DatabaseUrls } from '../db/bootstrap.js'
import type { Env } from './env.js'
import type { PartitioningOptions, StrataOptionsInput } from './options.js'

/**
 * Maps the validated environment (and the database we booted) to registration options.
 * Only development relaxes anything: cookies without `Secure` (plain http on localhost) and
 * `/metrics` open to anyone when METRICS_TOKEN is unset; elsewhere `/metrics` needs the token
 * and without one it is not served at all.
 */
export function optionsFromEnv(env: Env, database: DatabaseUrls | undefined): StrataOptionsInput {
  const development = env.NODE_ENV === 'development'
  return {
    tenancy: env.TENANCY,
    sync: env.DEV_MODE === 'full' ? { source: env.SYNC_SOURCE } : false,
    database: database ? { url: database.url } : false,
    appUrl: env.APP_URL,
    cdcSecret: env.CDC_SECRET ?? database?.cdcSecret,
    cookieSecret: env.COOKIE_SECRET ?? database?.cookieSecret,
    secureCookies: !development,
    demo: development,
    metrics: env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : development,
    mailer: env.SMTP_URL ? { transport: 'smtp', url: env.SMTP_URL } : { transport: 'outbox', dir: '.data/outbox' },
    mailFrom: env.MAIL_FROM,
    partitioning: partitioningFromEnv(env),
  }
}

/** `PARTITIONING` (`off`, or `activities:daily,sessions:monthly`; sessions unnamed stay plain) as the option. */
export function partitioningFromEnv(env: Pick<Env, 'PARTITIONING'>): PartitioningOptions | false {
  if (env.PARTITIONING === 'off') return false
  const periods = Object.fromEntries(env.PARTITIONING.split(',').map((item) => item.split(':') as [string, 'daily' | 'monthly']))
  return { activities: periods.activities ?? 'daily', sessions: periods.sessions ?? false }
}
