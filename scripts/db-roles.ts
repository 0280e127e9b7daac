/** `npm run db:roles`: create or update admin, runtime and CDC roles (SPEC §2, §4.1). */
import { loadEnvOrExit } from '../config/env.js'
import { ensureRoles } from '../db/roles.js'

const env = loadEnvOrExit()
if (!env.DATABASE_ADMIN_URL || !env.DATABASE_URL || !env.CDC_DATABASE_URL) {
  console.error('db:roles needs DATABASE_ADMIN_URL, DATABASE_URL and CDC_DATABASE_URL')
  process.exit(1)
}
const roles = await ensureRoles({ adminUrl: env.DATABASE_ADMIN_URL, runtimeUrl: env.DATABASE_URL, cdcUrl: env.CDC_DATABASE_URL })
console.log(`roles ready: ${roles.admin}, ${roles.runtime}, ${roles.cdc}`)
