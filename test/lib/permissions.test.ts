import t from 'tap'
import { attachments } from '../../entities/attachments.js'
import type { EntityRules } from '../../entities/definition.js'
import { pages } from '../../entities/pages.js'
import { type Action, type EntityRef, type Subject, canPerformAction, getAllowedActions, getAllowedActionsBatch } from '../../lib/permissions.js'

const org = 'org-1'
const other = 'org-2'
const me = 'user-me'
const admin: Subject = { userId: me, isSystemAdmin: false, memberships: [{ organizationId: org, role: 'admin' }] }
const member: Subject = { userId: me, isSystemAdmin: false, memberships: [{ organizationId: org, role: 'member' }] }
const outsider: Subject = { userId: me, isSystemAdmin: false, memberships: [{ organizationId: other, role: 'admin' }] }
const sysAdmin: Subject = { userId: me, isSystemAdmin: true, memberships: [] }

type EntityKind = 'organization' | 'membership' | 'page' | 'attachment'
type Row = [subject: string, entity: EntityKind, owner: 'mine' | 'theirs', expected: Record<Action, boolean>]
const yes = { create: true, read: true, update: true, delete: true }
const no = { create: false, read: false, update: false, delete: false }
const subjects: Record<string, Subject> = { admin, member, outsider, sysAdmin }

/** The reference the routes build: core entities by owner, declared ones by their row. */
function refOf(kind: EntityKind, organizationId: string, ownerId: string): EntityRef {
  if (kind === 'organization' || kind === 'membership') return { entityType: kind, organizationId, ownerId }
  const { rules } = kind === 'page' ? pages : attachments
  return { rules: rules!, organizationId, row: { created_by: ownerId } }
}

// The matrix of SPEC §5 "Permissions".
const matrix: Row[] = [
  ['sysAdmin', 'organization', 'theirs', yes],
  ['sysAdmin', 'page', 'theirs', yes],
  ['admin', 'organization', 'theirs', yes],
  ['admin', 'membership', 'theirs', yes],
  ['admin', 'page', 'theirs', yes],
  ['admin', 'attachment', 'theirs', yes],
  ['member', 'organization', 'theirs', { create: false, read: true, update: false, delete: false }],
  ['member', 'membership', 'theirs', { create: false, read: true, update: false, delete: false }],
  ['member', 'membership', 'mine', { create: false, read: true, update: true, delete: true }],
  ['member', 'page', 'theirs', { create: true, read: true, update: true, delete: false }],
  ['member', 'page', 'mine', yes],
  ['member', 'attachment', 'theirs', { create: true, read: true, update: true, delete: false }],
  ['member', 'attachment', 'mine', yes],
  ['outsider', 'organization', 'theirs', no],
  ['outsider', 'page', 'mine', no],
  ['outsider', 'attachment', 'theirs', no],
]

for (const [who, kind, owner, expected] of matrix) {
  t.test(`${who} on ${owner} ${kind}`, async (t) => {
    const entity = refOf(kind, org, owner === 'mine' ? me : 'someone-else')
    t.same(getAllowedActions(subjects[who]!, entity), expected)
    for (const action of ['create', 'read', 'update', 'delete'] as const) {
      t.equal(canPerformAction(subjects[who]!, action, entity), expected[action], action)
    }
  })
}

t.test('the batch form answers like the single form', async (t) => {
  const entities = matrix.map(([, kind, owner], i) => refOf(kind, i % 2 ? org : other, owner === 'mine' ? me : 'x'))
  t.same(getAllowedActionsBatch(member, entities), entities.map((e) => getAllowedActions(member, e)))
})

// An author's rules (entities/definition.ts): true, false and ownedBy on any column.
const taskRules: EntityRules = { create: { ownedBy: 'assignee_id' }, read: true, update: { ownedBy: 'assignee_id' }, delete: false }
const task = (assignee: string): EntityRef => ({ rules: taskRules, organizationId: org, row: { created_by: me, assignee_id: assignee } })

t.test('declared rules map to can for a member', async (t) => {
  t.same(getAllowedActions(member, task(me)), { create: true, read: true, update: true, delete: false }, 'ownedBy: the owning column holds my id')
  t.same(getAllowedActions(member, task('someone-else')), { create: true, read: true, update: false, delete: false },
    'ownedBy reads the declared column, not created_by')
  t.same(getAllowedActions(member, { rules: taskRules, organizationId: org }), { create: true, read: true, update: false, delete: false },
    'without a row (before a create): ownedBy allows create only')
  t.same(getAllowedActions(member, { rules: { create: false, read: false, update: false, delete: false }, organizationId: org, row: { created_by: me } }), no,
    'false is never, even for the creator')
})

t.test('declared rules do not bind admins, system admins or outsiders', async (t) => {
  const locked: EntityRules = { create: false, read: false, update: false, delete: false }
  const row: EntityRef = { rules: locked, organizationId: org, row: { created_by: 'x' } }
  t.same(getAllowedActions(admin, row), yes, 'organization admin: everything')
  t.same(getAllowedActions(sysAdmin, row), yes, 'system admin: everything')
  t.same(getAllowedActions(outsider, { rules: { create: true, read: true, update: true, delete: true }, organizationId: org }), no,
    'outside the organization: nothing')
})
