import pg from 'pg'

const timestamptzOid = 1184
const standardParser = pg.types.getTypeParser(timestamptzOid, 'text') as (text: string) => Date

const digit = (text: string, at: number) => text.charCodeAt(at) - 48
const twoDigits = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1)

/**
 * `timestamptz` text as a Date, as pg's own parser reads it (milliseconds, the rest of the
 * fraction dropped), without its regular expressions for the shape Postgres writes under a
 * whole-hour zone offset: `2026-12-01 22:24:38.997123+00`. Anything else (BC, infinity, a
 * `+05:30` offset, a year that is not four digits) goes to pg's parser. ~10× faster, and a list
 * of 20 rows parses 40 of them.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length
  if (length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(19) === 58) return standardParser(text)
  let at = 19
  let ms = 0
  if (text.charCodeAt(at) === 46) {
    let scale = 100
    for (at++; at < length; at++) {
      const d = digit(text, at)
      if (d < 0 || d > 9) break
      ms += d * scale
      scale /= 10
    }
  }
  const sign = text.charCodeAt(at)
  // A sign, two digits, and the end: a whole-hour offset.
  if ((sign !== 43 && sign !== 45) || length !== at + 3) return standardParser(text)
  const offsetHours = twoDigits(text, at + 1) * (sign === 43 ? 1 : -1)
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + twoDigits(text, 2)
  if (year < 100) return standardParser(text)
  const utc = Date.UTC(year, twoDigits(text, 5) - 1, twoDigits(text, 8), twoDigits(text, 11) - offsetHours, twoDigits(text, 14), twoDigits(text, 17), Math.trunc(ms))
  return new Date(utc)
}

/** pg's type parsers with the fast `timestamptz` reader (a pool's `types` option). */
export const fastTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return oid === timestamptzOid && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format)
  },
}
