import { CompiledQuery, type Kysely, sql } from 'kysely'
import pg from 'pg'
import { deferrable } from './connection.js'
import type { DB } from './schema.js'

/**
 * The RLS contexts of SPEC §4.2, plus the sync engine's. Each runs `work` in one transaction
 * whose first query sets every setting at once (transaction-local, so nothing leaks to the
 * next user of a pooled connection, after a commit or a rollback).
 *
 * The runtime connection is trusted to choose its context: RLS protects against a forgotten or
 * wrong-tenant context, not against a compromised process, which can name any user it likes.
 */
export type RlsContext =
  | { kind: 'tenant'; tenantId: string; userId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'public'; tenantId: string }
  /** The sync engine's global reader: the whole change log (`app.activities_after`), no table rows. */
  | { kind: 'sync' }

/** Kysely bound to one connection inside an open transaction with an RLS context set. */
export type ScopedDb = Kysely<DB>

function settingsOf(context: RlsContext): Record<'tenant_id' | 'user_id' | 'is_authenticated' | 'sync_reader', string> {
  switch (context.kind) {
    case 'tenant': return { tenant_id: context.tenantId, user_id: context.userId, is_authenticated: 'true', sync_reader: '' }
    case 'user': return { tenant_id: '', user_id: context.userId, is_authenticated: 'true', sync_reader: '' }
    case 'public': return { tenant_id: context.tenantId, user_id: '', is_authenticated: 'false', sync_reader: '' }
    case 'sync': return { tenant_id: '', user_id: '', is_authenticated: 'false', sync_reader: 'true' }
  }
}

/**
 * The statements that set every setting of `context` for the open transaction (values as escaped
 * literals): `set local` answers no row, so the driver has none to describe and parse.
 */
function contextStatement(context: RlsContext): string {
  return Object.entries(settingsOf(context))
    .map(([name, value]) => `set local app.${name} = ${pg.escapeLiteral(value)}`).join('; ')
}

/** Sets `context` for the rest of the open transaction `trx`, in one round trip. */
export async function setContext(trx: ScopedDb, context: RlsContext): Promise<void> {
  await sql.raw(contextStatement(context)).execute(trx)
}

const commit = CompiledQuery.raw('commit')
const rollback = CompiledQuery.raw('rollback')

/**
 * Runs `work` in one transaction in `context`. BEGIN and the `set local` statements are one
 * simple-protocol query (the values are escaped literals), deferrable: on the runtime pool it
 * travels with the handler's first query (`runtimeQueryPath`). `readOnly`: Postgres refuses any
 * write in it (used for safe HTTP methods), and its COMMIT is not waited for.
 */
export async function withContext<T>(
  db: Kysely<DB>, context: RlsContext, work: (trx: ScopedDb) => Promise<T>, options: { readOnly?: boolean } = {},
): Promise<T> {
  return db.connection().execute(async (connection) => {
    // Compiled queries as they are sent: no query tree built and compiled for fixed statements.
    await connection.executeQuery(CompiledQuery.raw(deferrable(`begin${options.readOnly ? ' read only' : ''}; ${contextStatement(context)}`)))
    let result: T
    try {
      result = await work(connection)
    } catch (error) {
      await connection.executeQuery(rollback).catch(() => {})
      throw error
    }
    // A read-only transaction has nothing left to lose at COMMIT: it is sent and not awaited, so a
    // read answers after one round trip; the connection's next user queues behind it.
    if (options.readOnly) void connection.executeQuery(commit).catch(() => {})
    else await connection.executeQuery(commit)
    return result
  })
}

export const withTenantContext = <T>(db: Kysely<DB>, tenantId: string, userId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'tenant', tenantId, userId }, work)

export const withUserContext = <T>(db: Kysely<DB>, userId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'user', userId }, work)

export const withPublicContext = <T>(db: Kysely<DB>, tenantId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'public', tenantId }, work)
