import type { EntityAction, EntityRules, MemberRule } from '../entities/definition.js'

/**
 * The permissions engine (SPEC §5 "Permissions"): organization admin — all actions; member —
 * read the org, their own membership, and with a declared entity what its rules allow (pages
 * and attachments: create/read/update, delete their own); system admin — everything. Pure
 * functions: guards and routes pass what they loaded.
 */

export type Action = EntityAction
export type Can = Record<Action, boolean>

export interface MembershipGrant {
  organizationId: string
  role: 'admin' | 'member'
}

export interface Subject<M extends MembershipGrant = MembershipGrant> {
  userId: string
  isSystemAdmin: boolean
  memberships: readonly M[]
}

/** The organization itself, or a membership of it (owned by its member). */
export interface CoreEntityRef {
  entityType: 'organization' | 'membership'
  organizationId: string
  ownerId?: string | null
}

/** A row of a declared entity (entities/definition.ts), judged by its member rules. */
export interface DeclaredEntityRef {
  rules: EntityRules
  organizationId: string
  /** The row the `ownedBy` rules read; absent before a create (there is no row yet). */
  row?: Readonly<Record<string, unknown>>
}

export type EntityRef = CoreEntityRef | DeclaredEntityRef

const all: Can = { create: true, read: true, update: true, delete: true }
const none: Can = { create: false, read: false, update: false, delete: false }

/**
 * One declared member rule. `ownedBy` on create is allowed: the caller creates the row, and the
 * database's insert policy (generated from the same rule) checks the owning column.
 */
function memberRuleAllows(rule: MemberRule, action: Action, entity: DeclaredEntityRef, userId: string): boolean {
  if (typeof rule === 'boolean') return rule
  if (action === 'create') return true
  return entity.row !== undefined && entity.row[rule.ownedBy] === userId
}

/** What a plain member may do with an entity of their organization. */
function memberCan(entity: EntityRef, userId: string): Can {
  if ('rules' in entity) {
    const { rules } = entity
    return {
      create: memberRuleAllows(rules.create, 'create', entity, userId),
      read: memberRuleAllows(rules.read, 'read', entity, userId),
      update: memberRuleAllows(rules.update, 'update', entity, userId),
      delete: memberRuleAllows(rules.delete, 'delete', entity, userId),
    }
  }
  const own = entity.ownerId != null && entity.ownerId === userId
  switch (entity.entityType) {
    case 'organization': return { ...none, read: true }
    case 'membership': return { create: false, read: true, update: own, delete: own }
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
