import { type RawBuilder, sql } from 'kysely'

/**
 * SQL building blocks of the tenant-isolation policies (SPEC §4.2). Settings are read only
 * through the `app.*` functions of the RLS migration, which wrap
 * `COALESCE(current_setting(name, true), '')`; every composed condition is parenthesised.
 */
// Each function is wrapped in a scalar sub-select so Postgres evaluates it once per statement
// (an init-plan) instead of once per row.
export const ctx = {
  tenant: '((select app.in_tenant_context()))',
  user: '((select app.in_user_context()))',
  public: '((select app.in_public_context()))',
  me: '((select app.user_uuid()))',
  sysAdmin: '((select app.is_system_admin()))',
} as const

/** The caller is a member of the row's organization (or a system admin). */
export const memberOf = (column: string) =>
  `((${column} = any ((select app.member_org_ids())::uuid[])) or ${ctx.sysAdmin})`

/** The caller is an admin of the row's organization (or a system admin). */
export const adminOf = (column: string) =>
  `((${column} = any ((select app.admin_org_ids())::uuid[])) or ${ctx.sysAdmin})`

export const any = (...conditions: string[]) => `(${conditions.map((c) => `(${c})`).join(' or ')})`
export const all = (...conditions: string[]) => `(${conditions.map((c) => `(${c})`).join(' and ')})`

/** The RESTRICTIVE guard: a context is set, and rows belong to its tenant when it names one. */
const contextGuard = "((select app.has_context()) and (((select app.tenant_id()) = '') or (tenant_id = (select app.tenant_id()))))"

export interface TablePolicies {
  select: string
  insert: string
  update: string
  /** WITH CHECK of UPDATE when the new row must satisfy more than the old one. */
  updateCheck?: string
  delete: string
}

/**
 * ENABLE + FORCE row-level security on a tenant-scoped table, a RESTRICTIVE guard (a context
 * is set, and rows belong to its tenant when it names one) and one permissive policy per command.
 */
export function tenantTablePolicies(table: string, rules: TablePolicies): RawBuilder<unknown> {
  const t = `"${table}"`
  return sql.raw(`
    alter table ${t} enable row level security;
    alter table ${t} force row level security;
    create policy ${table}_context_guard on ${t} as restrictive for all
      using (${contextGuard})
      with check (${contextGuard});
    create policy ${table}_select on ${t} for select using (${rules.select});
    create policy ${table}_insert on ${t} for insert with check (${rules.insert});
    create policy ${table}_update on ${t} for update using (${rules.update}) with check (${rules.updateCheck ?? rules.update});
    create policy ${table}_delete on ${t} for delete using (${rules.delete});
  `)
}

/** Refuse UPDATEs that change any of `columns` (SPEC §4.4). */
export function immutableColumns(table: string, columns: string[]): RawBuilder<unknown> {
  const args = columns.map((c) => `'${c}'`).join(', ')
  return sql.raw(`
    create trigger ${table}_immutable_columns before update on "${table}"
      for each row execute function app.forbid_immutable_update(${args});
  `)
}
