import { type Kysely, type Transaction, sql } from 'kysely'
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

export type ScopedDb = Transaction<DB>

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

export async function withContext<T>(db: Kysely<DB>, context: RlsContext, work: (trx: ScopedDb) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await setContext(trx, context)
    return work(trx)
  })
}

export const withTenantContext = <T>(db: Kysely<DB>, tenantId: string, userId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'tenant', tenantId, userId }, work)

export const withUserContext = <T>(db: Kysely<DB>, userId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'user', userId }, work)

export const withPublicContext = <T>(db: Kysely<DB>, tenantId: string, work: (trx: ScopedDb) => Promise<T>) =>
  withContext(db, { kind: 'public', tenantId }, work)
