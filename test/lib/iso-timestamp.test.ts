import t from 'tap'
import { isoTimestamp } from '../../lib/iso-timestamp.js'

// Every DTO timestamp goes through it: it must write exactly what toISOString writes, or throw as it does.

t.test('a spread of instants from year 0 to 9999 and every millisecond field', async (t) => {
  const mismatches = []
  let seed = 11
  const next = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return (seed / 2147483648) * n }
  // Date.UTC reads years 0–99 as 1900–1999.
  const first = Date.parse('0000-01-01T00:00:00.000Z')
  const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
  for (let i = 0; i < 50_000; i++) {
    const date = new Date(Math.floor(first + next(last - first)))
    if (isoTimestamp(date) !== date.toISOString()) mismatches.push({ time: date.getTime(), expected: date.toISOString(), got: isoTimestamp(date) })
  }
  t.same(mismatches.slice(0, 5), [], 'as toISOString writes them')
})

t.test('the edges, and what it hands on to the builtin', async (t) => {
  for (const time of [0, -1, Date.parse('0000-01-01T00:00:00.000Z'), Date.parse('0000-01-01T00:00:00.000Z') - 1, Date.parse('0099-12-31T23:59:59.999Z'), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1),
    Date.UTC(2024, 1, 29, 12), Date.UTC(1900, 1, 28, 23, 59, 59, 1), 8.64e15, -8.64e15]) {
    const date = new Date(time)
    t.equal(isoTimestamp(date), date.toISOString(), date.toISOString())
  }
  t.throws(() => isoTimestamp(new Date(Number.NaN)), RangeError, 'an invalid date throws as toISOString does')
})
