import type { ColumnType, Generated, Selectable } from 'kysely'

/** Kysely's view of the database: one interface per table, in SPEC §3 order. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
/** bigint columns arrive from pg as strings; we keep them exact. */
type BigIntColumn = ColumnType<string, string | number | bigint, string | number | bigint>

export type TenantStatus = 'active' | 'suspended' | 'archived'
export type MembershipRole = 'admin' | 'member'
export type PageStatus = 'draft' | 'published' | 'archived'
export type ActivityAction = 'create' | 'update' | 'delete'
export type TokenType = 'invitation' | 'password_reset' | 'email_verification'

export interface TenantsTable {
  id: string
  name: string
  status: Generated<TenantStatus>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface UsersTable {
  id: string
  email: string
  name: Generated<string>
  /** When the user proved the address (verification mail or invitation token); null until then. */
  email_verified_at: Timestamp | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface PasswordsTable {
  user_id: string
  hash: string
  updated_at: Generated<Date>
}

export interface SessionsTable {
  id: string
  /** sha256 of the token held in the cookie. */
  secret: string
  user_id: string
  expires_at: Timestamp
  user_agent: string | null
  ip: string | null
  created_at: Generated<Date>
}

export interface ApiTokensTable {
  id: Generated<string>
  /** sha256 of the bearer token, shown to its owner once. */
  secret: string
  user_id: string
  /** The one tenant the token may act in; null = wherever its user may. */
  scope_tenant_id: string | null
  name: string
  /** null: never expires. */
  expires_at: Timestamp | null
  created_at: Generated<Date>
  last_used_at: Timestamp | null
}

export interface TokensTable {
  id: string
  /** sha256 of the token sent to the user. */
  secret: string
  type: TokenType
  email: string
  user_id: string | null
  expires_at: Timestamp
  consumed_at: Timestamp | null
  created_at: Generated<Date>
}

export interface SystemRolesTable {
  user_id: string
  role: 'admin'
  created_at: Generated<Date>
}

export interface OrganizationsTable {
  id: string
  tenant_id: string
  name: string
  slug: string
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface MembershipsTable {
  id: string
  tenant_id: string
  organization_id: string
  user_id: string
  role: MembershipRole
  display_order: Generated<number>
  archived: Generated<boolean>
  muted: Generated<boolean>
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface InactiveMembershipsTable {
  id: string
  tenant_id: string
  organization_id: string
  email: string
  user_id: string | null
  token_id: string | null
  role: MembershipRole
  created_by: string | null
  created_at: Generated<Date>
}

export interface PagesTable {
  id: string
  tenant_id: string
  organization_id: string
  title: string
  content: Generated<string>
  status: Generated<PageStatus>
  public_access: Generated<boolean>
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface AttachmentsTable {
  id: string
  tenant_id: string
  organization_id: string
  filename: string
  content_type: string
  size: BigIntColumn
  key: string
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface ActivitiesTable {
  /** The cursor: fixed-width, sorts in commit order. */
  id: string
  tenant_id: string
  organization_id: string | null
  entity_type: string
  entity_id: string
  action: ActivityAction
  seq: BigIntColumn | null
  changed_fields: string[] | null
  /** The member a membership or invitation activity concerns. */
  user_id: string | null
  created_at: Generated<Date>
  /** The change took its row out of its tenant's public view (public streams get a delete). */
  left_public: Generated<boolean>
  /**
   * The row as recorded (after a create or update, before a delete); entities and memberships
   * only. Written as JSON text (the column parses it), read as an object.
   */
  row_data: ColumnType<Record<string, unknown> | null, string | null, never>
  /** An owner-only row's previous owner, when the change moved it to another (they get a delete). */
  left_owner: string | null
}

export interface CountersTable {
  /** namespace:scope:key */
  key: string
  value: Generated<BigIntColumn>
}

export interface RateLimitsTable {
  key: string
  count: number
  reset_at: Timestamp
}

export interface IdempotencyKeysTable {
  user_id: string
  key: string
  /** sha256 of method, URL and body: a replay must match it. */
  request_hash: string
  status_code: number | null
  response: unknown
  created_at: Generated<Date>
}

export interface DB {
  tenants: TenantsTable
  users: UsersTable
  passwords: PasswordsTable
  sessions: SessionsTable
  tokens: TokensTable
  api_tokens: ApiTokensTable
  system_roles: SystemRolesTable
  organizations: OrganizationsTable
  memberships: MembershipsTable
  inactive_memberships: InactiveMembershipsTable
  pages: PagesTable
  attachments: AttachmentsTable
  activities: ActivitiesTable
  counters: CountersTable
  rate_limits: RateLimitsTable
  idempotency_keys: IdempotencyKeysTable
}

export type Tenant = Selectable<TenantsTable>
export type User = Selectable<UsersTable>
export type Organization = Selectable<OrganizationsTable>
export type Membership = Selectable<MembershipsTable>
export type InactiveMembership = Selectable<InactiveMembershipsTable>
export type Page = Selectable<PagesTable>
export type Attachment = Selectable<AttachmentsTable>
export type Activity = Selectable<ActivitiesTable>

/** Rows that hold a secret: only auth code may touch them, never a response or a log line. */
export type UnsafeSession = Selectable<SessionsTable>
export type UnsafeToken = Selectable<TokensTable>
export type UnsafePassword = Selectable<PasswordsTable>
export type Session = Omit<UnsafeSession, 'secret'>
export type Token = Omit<UnsafeToken, 'secret'>
export type ApiToken = Omit<Selectable<ApiTokensTable>, 'secret'>
