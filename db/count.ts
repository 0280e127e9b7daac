import type { SelectQueryBuilder } from 'kysely'

/** A filtered query of any table before its select list, order and page. */
// biome-ignore lint/suspicious/noExplicitAny: any table's filtered rows
export type Matches = SelectQueryBuilder<any, any, object>

/**
 * How many rows `matches` selects: a list's `total`, counted with the same filters (and, in an
 * RLS transaction, the same policies) as the page beside it.
 */
export async function countOf(matches: Matches): Promise<number> {
  return Number((await matches.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()).total)
}
