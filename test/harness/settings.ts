/** Fixed names shared by the harness and every test file. */
export const templateDatabase = 'strata_template'

export const testRoles = {
  runtime: { user: 'runtime_role', password: 'runtime-test-password' },
  cdc: { user: 'cdc_role', password: 'cdc-test-password' },
} as const
