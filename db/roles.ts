import pg from 'pg'
import { type RoleNames, passwordOf, userOf } from './role-names.js'

export interface RoleSetup {
  /** Superuser (or CREATEROLE + BYPASSRLS) connection. */
  adminUrl: string
  /** Runtime login role: user name and password taken from this URL. */
  runtimeUrl: string
  /** CDC login role: user name and password taken from this URL. */
  cdcUrl: string
}

export function roleNamesFor(setup: Pick<RoleSetup, 'runtimeUrl' | 'cdcUrl'>): RoleNames {
  return { admin: 'admin_role', runtime: userOf(setup.runtimeUrl), cdc: userOf(setup.cdcUrl) }
}

const ident = (name: string) => pg.escapeIdentifier(name)
const literal = (value: string) => pg.escapeLiteral(value)

async function upsertRole(client: pg.Client, name: string, attributes: string): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [name])
  const verb = exists.rowCount ? 'alter' : 'create'
  await client.query(`${verb} role ${ident(name)} ${attributes}`)
}

/**
 * Neither the runtime nor the CDC role may create objects in `database` (SPEC §4.5): a temporary
 * table could shadow a table that a SECURITY DEFINER function reads. TEMP is granted to PUBLIC
 * by default, hence the revocation from PUBLIC. A database does not inherit these privileges
 * from its template, so every new database needs this (`client` may be connected to any database).
 */
export async function revokeObjectCreation(client: pg.ClientBase, database: string, roles: Pick<RoleNames, 'runtime' | 'cdc'>): Promise<void> {
  await client.query(`revoke create, temporary on database ${ident(database)} from public, ${ident(roles.runtime)}, ${ident(roles.cdc)}`)
}

/**
 * Creates or updates the roles of SPEC §4.1; idempotent. `admin_role` (NOLOGIN, BYPASSRLS) owns
 * the schema and is assumed by migrations; the runtime and CDC roles get exactly the names and
 * passwords written in their URLs.
 */
export async function ensureRoles(setup: RoleSetup): Promise<RoleNames> {
  const roles = roleNamesFor(setup)
  const client = new pg.Client({ connectionString: setup.adminUrl, application_name: 'strata-roles' })
  await client.connect()
  try {
    await upsertRole(client, roles.admin, 'nologin bypassrls')
    await upsertRole(client, roles.runtime,
      `login nosuperuser nobypassrls nocreatedb nocreaterole noreplication password ${literal(passwordOf(setup.runtimeUrl))}`)
    await upsertRole(client, roles.cdc,
      `login nosuperuser bypassrls replication nocreatedb nocreaterole password ${literal(passwordOf(setup.cdcUrl))}`)
    const { rows } = await client.query<{ db: string; me: string }>('select current_database() as db, current_user as me')
    const { db, me } = rows[0]!
    // The connecting administrator may assume admin_role (to run migrations as the owner).
    await client.query(`grant ${ident(roles.admin)} to ${ident(me)}`)
    await client.query(`grant create, usage on schema public to ${ident(roles.admin)}`)
    await client.query(`grant create, connect on database ${ident(db)} to ${ident(roles.admin)}`)
    await client.query(`grant connect on database ${ident(db)} to ${ident(roles.runtime)}, ${ident(roles.cdc)}`)
    await client.query(`grant usage on schema public to ${ident(roles.runtime)}, ${ident(roles.cdc)}`)
    await client.query(`revoke create on schema public from public, ${ident(roles.runtime)}, ${ident(roles.cdc)}`)
    await revokeObjectCreation(client, db, roles)
    return roles
  } finally {
    await client.end()
  }
}
