/** An ILIKE pattern matching `q` anywhere, with LIKE's wildcards in `q` taken literally. */
export const containsPattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
