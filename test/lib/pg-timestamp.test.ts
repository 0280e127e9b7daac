import pg from 'pg'
import t from 'tap'
import { fastTypes, parseTimestamptz } from '../../lib/pg-timestamp.js'

// The fast `timestamptz` reader must read every text exactly as pg's own parser does: the shape it
// handles itself (whole-hour offsets) and everything it hands on.

const standard = pg.types.getTypeParser(1184, 'text') as (text: string) => Date
const same = (text: string) => {
  const fast = parseTimestamptz(text)
  const expected = standard(text)
  return Object.is(Number(fast), Number(expected)) || { text, fast: String(fast), expected: String(expected) }
}
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

t.test('the shape Postgres writes: every fraction length, offset and a spread of dates', async (t) => {
  const mismatches = []
  let seed = 7
  const next = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  for (let i = 0; i < 20_000; i++) {
    const date = `${pad(100 + next(9900), 4)}-${pad(1 + next(12))}-${pad(1 + next(28))} ${pad(next(24))}:${pad(next(60))}:${pad(next(60))}`
    const digits = next(7)
    const fraction = digits === 0 ? '' : `.${String(next(10 ** digits)).padStart(digits, '0')}`
    const offset = `${next(2) ? '+' : '-'}${pad(next(15))}`
    const verdict = same(`${date}${fraction}${offset}`)
    if (verdict !== true) mismatches.push(verdict)
  }
  t.same(mismatches.slice(0, 5), [], 'as pg reads them')
})

t.test('what it hands on to pg', async (t) => {
  for (const text of ['infinity', '-infinity', '2026-12-01 22:24:38.5+05:30', '0044-03-15 12:00:00+00 BC', '12026-12-01 22:24:38+00',
    '2026-12-01 22:24:38+00:00:30', '0099-01-01 00:00:00+00', '2026-12-01 22:24:38.123456+14']) {
    t.equal(same(text), true, text)
  }
})

t.test('the pool types: the fast reader for timestamptz text, pg\'s for the rest', async (t) => {
  t.equal(fastTypes.getTypeParser(1184), parseTimestamptz)
  t.equal(fastTypes.getTypeParser(1184, 'binary'), pg.types.getTypeParser(1184, 'binary'))
  t.equal(fastTypes.getTypeParser(1114), pg.types.getTypeParser(1114))
})
