/**
 * The permissions engine (SPEC §5 "Permissions"): organization admin — all actions; member —
 * read the org, create/read/update pages and attachments, delete their own; system admin —
 * everything. Pure functions: guards and routes pass what they loaded.
 */

export type Action = 'create' | 'read' | 'update' | 'delete'
export type Can = Record<Action, boolean>
export type EntityType = 'organization' | 'membership' | 'page' | 'attachment'

export interface MembershipGrant {
  organizationId: string
  role: 'admin' | 'member'
}

export interface Subject<M extends MembershipGrant = MembershipGrant> {
  userId: string
  isSystemAdmin: boolean
  memberships: readonly M[]
}

export interface EntityRef {
  entityType: EntityType
  organizationId: string
  /** The creator (pages, attachments) or the member (memberships): "their own". */
  ownerId?: string | null
}


const all: Can = { create: true, read: true, update: true, delete: true }
const none: Can = { create: false, read: false, update: false, delete: false }

/** What a plain member may do with an entity of their organization. */
function memberCan(entity: EntityRef, userId: string): Can {
  const own = entity.ownerId != null && entity.ownerId === userId
  switch (entity.entityType) {
    case 'organization': return { ...none, read: true }
    case 'membership': return { create: false, read: true, update: own, delete: own }
    case 'page':
    case 'attachment': return { create: true, read: true, update: true, delete: own }
  }
}

/** Index of a subject's roles by organization, built once per batch. */
export type RoleIndex = ReadonlyMap<string, 'admin' | 'member'>

export function indexRoles(subject: Subject): RoleIndex {
  return new Map(subject.memberships.map((m) => [m.organizationId, m.role]))
}

export function allowedActionsIndexed(subject: Subject, roles: RoleIndex, entity: EntityRef): Can {
  if (subject.isSystemAdmin) return all
  const role = roles.get(entity.organizationId)
  if (role === 'admin') return all
  if (role === 'member') return memberCan(entity, subject.userId)
  return none
}

export function getAllowedActions(subject: Subject, entity: EntityRef): Can {
  return allowedActionsIndexed(subject, indexRoles(subject), entity)
}

export function canPerformAction(subject: Subject, action: Action, entity: EntityRef): boolean {
  return getAllowedActions(subject, entity)[action]
}

/** The batch form: one membership index for every entity. */
export function getAllowedActionsBatch(subject: Subject, entities: readonly EntityRef[]): Can[] {
  const roles = indexRoles(subject)
  return entities.map((entity) => allowedActionsIndexed(subject, roles, entity))
}

