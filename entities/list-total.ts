import { type Kysely, type RawBuilder, sql } from 'kysely'
import { type Matches, countOf } from '../db/count.js'

/**
 * How a list's `total` is computed (issue 16; PostgREST's `Prefer: count=…` convention):
 * - unfiltered: the organization's maintained count (`entity_counts`, migration 0013), exact and one
 *   row read whatever the organization's size, whenever the caller may read it (RLS: every member
 *   where the entity's read rule is `true`, else admins); otherwise as filtered;
 * - filtered (`q`, filters), or a caller who sees only some rows: `exact` (the default) counts the
 *   matches, so its cost grows with their number; `planned` is the planner's estimate (EXPLAIN,
 *   no row read; RLS conditions can make it far off); `estimated` is exact up to `exactUpTo`
 *   matches and planned above (never below `exactUpTo + 1`, which is known).
 * The method used is answered in `Preference-Applied` when the request named one.
 */
export type CountMethod = 'exact' | 'planned' | 'estimated'

/** Above this many matches `estimated` stops counting and answers the planner's estimate. */
export const exactUpTo = 10_000

/** The `count=` preference of a `Prefer` header (`count=planned, return=minimal`); others are ignored. */
export function countPreference(prefer: string | string[] | undefined): CountMethod | undefined {
  for (const token of [prefer ?? []].flat().join(',').split(',')) {
    const match = /^\s*count=(exact|planned|estimated)\s*$/i.exec(token)
    if (match) return match[1]!.toLowerCase() as CountMethod
  }
  return undefined
}

/** The organization's maintained total of `entityType` (the sum of its deltas), or null where the caller may not read it (or none). */
export const maintainedTotal = (organizationId: string, entityType: string): RawBuilder<string | null> =>
  sql<string | null>`(select sum(n) from entity_counts where organization_id = ${organizationId} and entity_type = ${entityType})`

// biome-ignore lint/suspicious/noExplicitAny: the transaction the matches are read in
type Db = Kysely<any>

/** The planner's estimate of how many rows `matches` selects (RLS conditions included). */
async function plannedCount(matches: Matches): Promise<number> {
  const [plan] = await matches.select(sql.lit(1).as('one')).explain('json') as Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>
  return Math.round(plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0)
}

/** The total of `matches` (read in `db`) by `method`. */
export async function countMatches(db: Db, matches: Matches, method: CountMethod): Promise<number> {
  if (method === 'planned') return plannedCount(matches)
  if (method === 'exact') return countOf(matches)
  const upTo = matches.select(sql.lit(1).as('one')).limit(exactUpTo + 1).as('m')
  const { n } = await db.selectFrom(upTo).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  // Above the cap the planner may guess below what was just counted (RLS conditions skew it).
  return Number(n) > exactUpTo ? Math.max(exactUpTo + 1, await plannedCount(matches)) : Number(n)
}
