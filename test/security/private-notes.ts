import type { AnyEntity } from '../../entities/definition.js'
import { type SignedIn, type Teardown, testDatabase } from '../helper.js'
import { createNotesTable, notes } from '../entities/notes.js'
import { type StreamClient, openStream } from '../sse-client.js'

/** Notes a member reads only when they wrote them (created_by); admins read all. */
export const privateNotes: AnyEntity = { ...notes, rules: { create: true, read: { ownedBy: 'created_by' }, update: { ownedBy: 'assignee' }, delete: false }, publicRead: undefined }

/** A fresh database with the notes table under that rule (RLS policies, app.entity_types). */
export async function privateNotesDatabase(t: Teardown) {
  const database = await testDatabase(t)
  await createNotesTable(database.superuser, privateNotes)
  return database
}

/** Users' streams of a listening app (`baseUrl`), closed at teardown, and their changes by entity id. */
export function userStreams(t: Teardown, { baseUrl }: { baseUrl: string }) {
  const stream = async (who: SignedIn, from = 'now') => {
    const client = await openStream(`${baseUrl}/entities/app/stream`, { cookie: who.cookie, 'last-event-id': from })
    t.teardown(() => client.close())
    await client.waitFor((e) => e.some((x) => x.event === 'offset'), 10_000, 'the offset')
    return client
  }
  const of = (client: StreamClient, id: string) => client.changes().filter((c) => c.entityId === id)
  const waitFor = (client: StreamClient, id: string, n = 1) =>
    client.waitFor(() => of(client, id).length >= n, 10_000, `${n} events of ${id}`)
  return { stream, of, waitFor }
}
