import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import { deferrable } from './connection.js'
import type { DB } from './schema.js'

/**
 * The three RLS contexts of SPEC §4.2. Each runs `work` in one transaction whose first
 * statement sets every setting at once (transaction-local, so nothing leaks to the next user
 * of a pooled connection, after a commit or a rollback).
 */
export type RlsContext =
  | { kind: 'tenant'; tenantId: string; userId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'public'; tenantId: string }

/** Kysely bound to one connection inside an open transaction with an RLS context set. */
export type ScopedDb = Kysely<DB>

function settingsOf(context: RlsContext): { tenantId: string; userId: string; authenticated: string } {
  switch (context.kind) {
    case 'tenant': return { tenantId: context.tenantId, userId: context.userId, authenticated: 'true' }
    case 'user': return { tenantId: '', userId: context.userId, authenticated: 'true' }
    case 'public': return { tenantId: context.tenantId, userId: '', authenticated: 'false' }
  }
}

/** Sets `context` for the rest of the open transaction `trx`, in one statement. */
export async function setContext(trx: ScopedDb, context: RlsContext): Promise<void> {
  const { tenantId, userId, authenticated } = settingsOf(context)
  await sql`select set_config('app.tenant_id', ${tenantId}, true),
                   set_config('app.user_id', ${userId}, true),
                   set_config('app.is_authenticated', ${authenticated}, true)`.execute(trx)
}

/**
 * Runs `work` in one transaction in `context`. BEGIN and the one `set_config` statement are one
 * simple-protocol query (the values are escaped literals), deferrable: on the runtime pool it
 * travels with the handler's first query (`runtimeQueryPath`). `readOnly`: Postgres refuses any
 * write in it (used for safe HTTP methods).
 */
export async function withContext<T>(
  db: Kysely<DB>, context: RlsContext, work: (trx: ScopedDb) => Promise<T>, options: { readOnly?: boolean } = {},
): Promise<T> {
  const { tenantId, userId, authenticated } = settingsOf(context)
  const literal = (value: string) => pg.escapeLiteral(value)
  return db.connection().execute(async (connection) => {
    await sql.raw(deferrable(`begin${options.readOnly ? ' read only' : ''}; select set_config('app.tenant_id', ${literal(tenantId)}, true), `
      + `set_config('app.user_id', ${literal(userId)}, true), set_config('app.is_authenticated', ${literal(authenticated)}, true)`))
      .execute(connection)
    let result: T
    try {
      result = await work(connection)
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {})
      throw error
    }
    await sql`commit`.execute(connection)
    return result
  })
}

export const withTenantContext = <T>(db: Kysely<DB>, tenantId: string, userId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'tenant', tenantId, userId }, work)

export const withUserContext = <T>(db: Kysely<DB>, userId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'user', userId }, work)

export const withPublicContext = <T>(db: Kysely<DB>, tenantId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'public', tenantId }, work)
