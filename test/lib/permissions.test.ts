import t from 'tap'
import { type Action, type EntityRef, type EntityType, type Subject, canPerformAction, getAllowedActions, getAllowedActionsBatch } from '../../lib/permissions.js'

const org = 'org-1'
const other = 'org-2'
const me = 'user-me'
const admin: Subject = { userId: me, isSystemAdmin: false, memberships: [{ organizationId: org, role: 'admin' }] }
const member: Subject = { userId: me, isSystemAdmin: false, memberships: [{ organizationId: org, role: 'member' }] }
const outsider: Subject = { userId: me, isSystemAdmin: false, memberships: [{ organizationId: other, role: 'admin' }] }
const sysAdmin: Subject = { userId: me, isSystemAdmin: true, memberships: [] }

type Row = [subject: string, entity: EntityType, owner: 'mine' | 'theirs', expected: Record<Action, boolean>]
const yes = { create: true, read: true, update: true, delete: true }
const no = { create: false, read: false, update: false, delete: false }
const subjects: Record<string, Subject> = { admin, member, outsider, sysAdmin }

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

for (const [who, entityType, owner, expected] of matrix) {
  t.test(`${who} on ${owner} ${entityType}`, async (t) => {
    const entity: EntityRef = { entityType, organizationId: org, ownerId: owner === 'mine' ? me : 'someone-else' }
    t.same(getAllowedActions(subjects[who]!, entity), expected)
    for (const action of ['create', 'read', 'update', 'delete'] as const) {
      t.equal(canPerformAction(subjects[who]!, action, entity), expected[action], action)
    }
  })
}

t.test('the batch form answers like the single form', async (t) => {
  const entities: EntityRef[] = matrix.map(([, entityType, owner], i) => ({
    entityType, organizationId: i % 2 ? org : other, ownerId: owner === 'mine' ? me : 'x',
  }))
  t.same(getAllowedActionsBatch(member, entities), entities.map((e) => getAllowedActions(member, e)))
})
