import fp from 'fastify-plugin'
import { ensureTenant } from '../../db/tenants.js'

/** The tenant of single-tenant mode. */
export const singleTenantId = 'main'

/** Single-tenant mode: the one tenant `main` exists from boot (SPEC §5). */
export default fp(async (fastify) => {
  if (fastify.config.tenancy !== 'single' || !fastify.config.database) return
  await ensureTenant(fastify.db, singleTenantId, 'Main')
}, { name: 'tenancy', dependencies: ['config', 'db'] })
