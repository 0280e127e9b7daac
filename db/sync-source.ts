import pg from 'pg'

export type SyncSource = 'replication' | 'notify'

/**
 * Tells the database which source the sync engine follows (`strata.sync_source`). The notify
 * source's triggers (`app.record_change`) record a change only in a session where it is 'notify';
 * set on the database, every writer's session has it (the API's, scripts', plain SQL), from its
 * next connection on. The runtime role cannot `ALTER DATABASE`, so this runs with the admin URL:
 * at boot (`npm start` with the embedded database or DATABASE_ADMIN_URL) and in `npm run migrate`.
 * 'replication' is written too: triggers left recording with no sequencer would grow the outbox.
 */
export async function applySyncSource(adminUrl: string, source: SyncSource): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'strata-sync-source' })
  await client.connect()
  try {
    const { rows: [row] } = await client.query<{ db: string }>('select current_database() as db')
    await client.query(`alter database ${pg.escapeIdentifier(row!.db)} set strata.sync_source = ${pg.escapeLiteral(source)}`)
  } finally {
    await client.end()
  }
}
