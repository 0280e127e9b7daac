import { attachments } from '../entities/attachments.js'
import { pages } from '../entities/pages.js'
import { getAllowedActionsBatch, type EntityRef, type Subject } from '../lib/permissions.js'
import { type Row, medianMs, round } from './lib.js'

/** SPEC §11: permission check for 100 entities × 50 memberships. */
export async function permissionsBench(): Promise<Row[]> {
  const subject: Subject = {
    userId: 'u',
    isSystemAdmin: false,
    memberships: Array.from({ length: 50 }, (_, i) => ({ organizationId: `org-${i}`, role: i % 3 ? 'member' : 'admin' })),
  }
  const entities: EntityRef[] = Array.from({ length: 100 }, (_, i) => ({
    rules: (i % 2 ? pages : attachments).rules!, organizationId: `org-${i % 60}`, row: { created_by: i % 5 ? 'other' : 'u' },
  }))
  const ms = await medianMs(() => getAllowedActionsBatch(subject, entities), 2_000, 200)
  return [{ benchmark: 'permission check, 100 entities × 50 memberships', value: round(ms, 4), unit: 'ms (median)' }]
}
