import type { Kysely } from 'kysely'
import type { DB, Organization } from './schema.js'

export function findOrganization(db: Kysely<DB>, tenantId: string, by: { id: string } | { slug: string }): Promise<Organization | undefined> {
  let query = db.selectFrom('organizations').selectAll().where('tenant_id', '=', tenantId)
  query = 'id' in by ? query.where('id', '=', by.id) : query.where('slug', '=', by.slug)
  return query.executeTakeFirst()
}
