/** `npm run seed`: create the first system admin from SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD. */
import { loadEnvOrExit } from '../config/env.js'
import { seedSystemAdmin } from '../db/seed.js'

const env = loadEnvOrExit()
if (!env.DATABASE_ADMIN_URL || !env.SEED_ADMIN_EMAIL || !env.SEED_ADMIN_PASSWORD) {
  console.error('seed needs DATABASE_ADMIN_URL, SEED_ADMIN_EMAIL and SEED_ADMIN_PASSWORD')
  process.exit(1)
}
const created = await seedSystemAdmin(env.DATABASE_ADMIN_URL, env.SEED_ADMIN_EMAIL, env.SEED_ADMIN_PASSWORD)
console.log(created ? `system admin ${env.SEED_ADMIN_EMAIL} created` : 'a system admin exists already; nothing changed')
