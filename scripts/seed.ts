/** `npm run seed`: make SEED_ADMIN_EMAIL (password SEED_ADMIN_PASSWORD) a system admin; see `seedSystemAdmin`. */
import { loadEnvOrExit } from '../config/env.js'
import { seedAdminMessages, seedSystemAdmin } from '../db/seed.js'

const env = loadEnvOrExit()
if (!env.DATABASE_ADMIN_URL || !env.SEED_ADMIN_EMAIL || !env.SEED_ADMIN_PASSWORD) {
  console.error('seed needs DATABASE_ADMIN_URL, SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD')
  process.exit(1)
}
const result = await seedSystemAdmin(env.DATABASE_ADMIN_URL, env.SEED_ADMIN_EMAIL, env.SEED_ADMIN_PASSWORD)
console.log(seedAdminMessages[result](env.SEED_ADMIN_EMAIL))
