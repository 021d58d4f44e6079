import fc from 'fast-check'
import t from 'tap'
import { EARLIEST_INSTANT, LATEST_INSTANT, daysInMonth, isStoredInstant, parseInstant } from '../../src/domain/instant.js'
import { ajv } from '../../src/schemas/ajv.js'
import { referenceInstant } from './reference/instant.js'

const DAY = 86_400_000
const HOUR = 3_600_000

t.test('an RFC 3339 date-time reads as its instant', async (t) => {
  // 1970-2099: 129 years, 32 of them leap (1972 ... 2096).
  const y2099 = (129 * 365 + 32) * DAY
  t.equal(parseInstant('2099-01-01T00:00:00Z'), y2099)
  t.equal(parseInstant('2099-01-01T00:00:00+01:00'), y2099 - HOUR, 'an hour ahead of UTC: an hour earlier')
  t.equal(parseInstant('2099-01-01T00:00:00-05:30'), y2099 + 5.5 * HOUR)
  t.equal(parseInstant('2099-01-01t00:00:00z'), y2099, 'T and Z in lower case (RFC 3339 5.6 note)')
  t.equal(parseInstant('1970-01-01T00:00:00-00:00'), 0, '-00:00 is UTC')
  t.equal(parseInstant('1969-12-31T23:59:59.999Z'), -1)
  t.equal(parseInstant('1970-01-01T00:00:00.9999Z'), 999, 'a fraction is cut to the millisecond, never rounded up')
  t.equal(parseInstant('1970-01-01T00:00:00.5Z'), 500)
  t.equal(parseInstant('1970-01-01T00:00:00.000000001Z'), 0)
  // 2000 is a leap year (divisible by 400): 30 years to it, 7 of them leap; then January and February.
  t.equal(parseInstant('2000-02-29T00:00:00Z'), (30 * 365 + 7 + 31 + 28) * DAY)
  t.equal(parseInstant('2024-02-29T23:59:59Z'), Date.UTC(2024, 1, 29, 23, 59, 59))
  // 0000-01-01: 1970 years back, 478 of them leap (year 0 included).
  t.equal(parseInstant('0000-01-01T00:00:00Z'), -(1970 * 365 + 478) * DAY)
  t.equal(EARLIEST_INSTANT, -(1970 * 365 + 478) * DAY)
  t.equal(parseInstant('9999-12-31T23:59:59.999Z'), LATEST_INSTANT)
})

t.test('what is not an RFC 3339 date-time, or not a day of the calendar, does not read', async (t) => {
  const refused = [
    ['2099-01-01T00:00:00+01', 'an offset of hours only'],
    ['2020-01-01T00:00:00+01', 'an offset of hours only (a start)'],
    ['2099-12-31T23:59:60Z', 'a leap second'],
    ['2016-12-31T23:59:60Z', 'a real leap second too'],
    ['2099-01-01T00:00:00+0100', 'an offset without its colon'],
    ['2099-01-01 00:00:00Z', 'a space for T'],
    ['2099-01-01T00:00:00', 'no offset'],
    ['2099-01-01T00:00Z', 'no seconds'],
    ['2099-01-01T00:00:00.Z', 'a point with no fraction'],
    ['2023-02-29T00:00:00Z', '29 February of a common year'],
    ['2100-02-29T00:00:00Z', '29 February of a century that is not a leap year'],
    ['2023-02-30T00:00:00Z', '30 February'],
    ['2023-04-31T00:00:00Z', '31 April'],
    ['2099-13-01T00:00:00Z', 'month 13'],
    ['2099-00-01T00:00:00Z', 'month 0'],
    ['2099-01-00T00:00:00Z', 'day 0'],
    ['2099-01-01T24:00:00Z', 'hour 24'],
    ['2099-01-01T00:60:00Z', 'minute 60'],
    ['2099-01-01T00:00:00+24:00', 'offset hour 24'],
    ['2099-01-01T00:00:00+01:60', 'offset minute 60'],
    ['+002099-01-01T00:00:00Z', 'an expanded year'],
    ['99-01-01T00:00:00Z', 'a two-digit year'],
    ['2099-1-01T00:00:00Z', 'a one-digit month'],
    [' 2099-01-01T00:00:00Z', 'a space before'],
    ['2099-01-01T00:00:00Z\n', 'a line break after'],
    ['２０９９-01-01T00:00:00Z', 'digits that are not ASCII'],
    ['0000-01-01T00:00:00+00:01', 'a minute before the year 0000 in UTC'],
    ['9999-12-31T23:59:59-00:01', 'a minute after the year 9999 in UTC'],
    ['', 'nothing'],
    ['2099-01-01', 'a date alone']
  ] as const
  for (const [text, what] of refused) t.equal(parseInstant(text), null, what)
})

t.test('isStoredInstant takes finite numbers only', async (t) => {
  t.ok(isStoredInstant(0))
  t.ok(isStoredInstant(-1))
  for (const value of [NaN, Infinity, -Infinity, null, '2099-01-01T00:00:00Z', '1', Buffer.from([1]), undefined]) t.notOk(isStoredInstant(value), String(value))
})

// Generators: the fields of a date-time, in range (valid) or a little beyond it (near misses).
const pad = (n: number, width: number) => String(n).padStart(width, '0')
const digits = fc.array(fc.constantFrom(...'0123456789'), { minLength: 1, maxLength: 12 }).map((d) => d.join(''))
const validOffset = fc.oneof(
  fc.constantFrom('Z', 'z'),
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`)
)
const valid = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  t: fc.constantFrom('T', 't'),
  fraction: fc.option(digits, { nil: undefined }),
  offset: validOffset
}).map((f) => {
  const day = Math.min(f.day, daysInMonth(f.year, f.month))
  const fraction = f.fraction === undefined ? '' : `.${f.fraction}`
  return { text: `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(day, 2)}${f.t}${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${fraction}${f.offset}`, year: f.year }
})
const nearMiss = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  month: fc.integer({ min: 0, max: 19 }),
  day: fc.integer({ min: 0, max: 39 }),
  hour: fc.integer({ min: 0, max: 29 }),
  minute: fc.integer({ min: 0, max: 69 }),
  second: fc.integer({ min: 0, max: 69 }),
  t: fc.constantFrom('T', 't', ' ', '', '_'),
  fraction: fc.constantFrom('', '.', '.5', '.123', '.1234567', '.x'),
  offset: fc.oneof(
    validOffset,
    fc.constantFrom('', '+01', '+0100', '-1:00', 'UTC', 'Z ', '+01:00:00'),
    fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 69 })).map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`)
  )
}).map((f) => `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}${f.t}${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${f.fraction}${f.offset}`)
/** A valid date-time with one character replaced, deleted or put in. */
const mutated = fc.tuple(valid, fc.nat(), fc.constantFrom('replace', 'delete', 'insert'), fc.constantFrom(...'0123456789-:+.TtZz x\u0660')).map(([v, at, edit, c]) => {
  const i = at % (v.text.length + 1)
  if (edit === 'delete') return v.text.slice(0, i) + v.text.slice(i + 1)
  if (edit === 'insert') return v.text.slice(0, i) + c + v.text.slice(i)
  return v.text.slice(0, i) + c + v.text.slice(i + 1)
})
const anyText = fc.oneof(valid.map((v) => v.text), nearMiss, mutated, fc.string({ maxLength: 40 }))

t.test('the parser agrees with the hand-written reference on valid, nearly valid and broken texts', async (t) => {
  fc.assert(fc.property(valid, ({ text, year }) => {
    const ms = parseInstant(text)
    if (ms !== referenceInstant(text)) return false
    // Only the first and last years can be pushed out of 0000-9999 by an offset.
    return year === 0 || year === 9999 || ms !== null
  }), { numRuns: 20_000 })
  fc.assert(fc.property(nearMiss, (text) => parseInstant(text) === referenceInstant(text)), { numRuns: 20_000 })
  fc.assert(fc.property(mutated, (text) => parseInstant(text) === referenceInstant(text)), { numRuns: 20_000 })
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => parseInstant(text) === referenceInstant(text)), { numRuns: 5_000 })
  t.pass('agreed')
})

t.test('a text that reads round-trips through its UTC form to the same instant', async (t) => {
  fc.assert(fc.property(anyText, (text) => {
    const ms = parseInstant(text)
    if (ms === null) return true
    const utc = new Date(ms).toISOString()
    return parseInstant(utc) === ms && Date.parse(utc) === ms && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(utc)
  }), { numRuns: 20_000 })
  t.pass('round-tripped')
})

t.test('the schemas\' date-time format refuses exactly what the parser refuses', async (t) => {
  const validate = ajv.compile({ type: 'string', format: 'date-time' })
  fc.assert(fc.property(anyText, (text) => validate(text) === (parseInstant(text) !== null)), { numRuns: 20_000 })
  t.equal(validate('2099-01-01T00:00:00+01'), false)
  t.equal(validate('2099-12-31T23:59:60Z'), false)
  t.equal(validate('2099-01-01T00:00:00+01:00'), true)
})
