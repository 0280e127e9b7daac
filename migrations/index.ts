import type { Migration } from 'kysely'
import type { RoleNames } from '../db/role-names.js'
import { schema } from './0001_schema.js'
import { tenantIsolation } from './0002_tenant_isolation.js'
import { idempotencyAndInvitations } from './0003_idempotency_and_invitations.js'
import { sync } from './0004_sync.js'
import { activitySubject } from './0005_activity_subject.js'
import { notifySource } from './0006_notify_source.js'
import { sqlHardening } from './0007_sql_hardening.js'
import { emailVerification } from './0008_email_verification.js'
import { sessionRevocation } from './0009_session_revocation.js'
import { apiTokens } from './0010_api_tokens.js'
import { entityPlatform } from './0011_entity_platform.js'
import { notifyCursor } from './0012_notify_cursor.js'
import { entityCounts } from './0013_entity_counts.js'
import { publicTransitions } from './0014_public_transitions.js'
import { rowPayloads } from './0015_row_payloads.js'
import { fieldVersions } from './0017_field_versions.js'
import { readerRows } from './0018_reader_rows.js'
import { systemRoleChanges } from './0019_system_role_changes.js'
import { ownerTransitions } from './0020_owner_transitions.js'
import { activityReads } from './0021_activity_reads.js'
import { publicReplay } from './0022_public_replay.js'

/**
 * Every migration, in order. Migrations are functions of the role names so grants follow the
 * user names written in DATABASE_URL / CDC_DATABASE_URL (SPEC §2).
 */
export function buildMigrations(roles: RoleNames): Record<string, Migration> {
  return {
    '0001_schema': schema(roles),
    '0002_tenant_isolation': tenantIsolation(roles),
    '0003_idempotency_and_invitations': idempotencyAndInvitations(roles),
    '0004_sync': sync(roles),
    '0005_activity_subject': activitySubject(roles),
    '0006_notify_source': notifySource(roles),
    '0007_sql_hardening': sqlHardening(roles),
    '0008_email_verification': emailVerification(roles),
    '0009_session_revocation': sessionRevocation(roles),
    '0010_api_tokens': apiTokens(roles),
    '0011_entity_platform': entityPlatform(roles),
    '0012_notify_cursor': notifyCursor(roles),
    '0013_entity_counts': entityCounts(roles),
    '0014_public_transitions': publicTransitions(roles),
    '0015_row_payloads': rowPayloads(),
    '0017_field_versions': fieldVersions(roles),
    '0018_reader_rows': readerRows(),
    '0019_system_role_changes': systemRoleChanges(),
    '0020_owner_transitions': ownerTransitions(roles),
    '0021_activity_reads': activityReads(roles),
    '0022_public_replay': publicReplay(),
  }
}
