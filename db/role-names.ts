/** Login roles named by the connection URLs (SPEC §2); migrations grant to these names. */
export interface RoleNames {
  /** Owns the schema and runs migrations (NOLOGIN; connections `SET ROLE` to it). */
  admin: string
  /** What the API connects as: NOSUPERUSER, NOBYPASSRLS, DML grants only. */
  runtime: string
  /** What the CDC worker connects as: REPLICATION, BYPASSRLS. */
  cdc: string
}

export const defaultRoleNames: RoleNames = {
  admin: 'admin_role',
  runtime: 'runtime_role',
  cdc: 'cdc_role',
}

/** The user name written in a postgres:// URL. */
export function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username)
}

export function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password)
}
