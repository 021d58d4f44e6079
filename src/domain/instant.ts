/**
 * The one reading of a date-time: RFC 3339 section 5.6 (https://www.rfc-editor.org/rfc/rfc3339#section-5.6)
 * as epoch ms. Every date-time the daemon takes in (an API body, an audit filter, an import row, the
 * hub's feed) is read here, and the schemas' `date-time` format is this same function, so a text
 * that passes a schema always has an instant.
 *
 * Accepted: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of any length (cut to the millisecond, never
 * rounded up), and a full offset: `Z` or `+HH:MM` / `-HH:MM`. `T` and `Z` may be lower case (RFC 3339
 * allows it). Refused: a date the calendar does not have (2023-02-30), hour 24, minute or second 60,
 * an offset of hours only (`+01`) or without its colon (`+0100`), a space for `T`, and an instant
 * outside the years 0000-9999 in UTC (the stored time is written back as `YYYY-...Z`).
 *
 * Leap seconds (`23:59:60`) are refused: epoch ms, like POSIX time, has no instant for them, and a
 * reading of one as the next second would be a guess. A time that does not read has no instant:
 * the caller refuses it (a 400, a quarantined feed item), never stores a stand-in.
 */

/** Epoch milliseconds (UTC). */
export type Instant = number

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/

const DAY_MS = 86_400_000

/** Days from 1970-01-01 to the given day of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil (year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/** Days in a month of the Gregorian calendar (month 1-12). */
export function daysInMonth (year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** The first and last instants a stored time may take: 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
export const EARLIEST_INSTANT: Instant = daysFromCivil(0, 1, 1) * DAY_MS
export const LATEST_INSTANT: Instant = daysFromCivil(10_000, 1, 1) * DAY_MS - 1

/** The instant an RFC 3339 date-time names, or null when the text is not one (see above). */
export function parseInstant (text: string): Instant | null {
  const m = SHAPE.exec(text)
  if (m === null) return null
  const [, y, mo, d, h, mi, s, fraction, sign, offsetHours, offsetMinutes] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  let offset = 0
  if (sign !== undefined) {
    const oh = Number(offsetHours)
    const om = Number(offsetMinutes)
    if (oh > 23 || om > 59) return null
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'))
  const local = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis
  const instant = local - offset
  return instant < EARLIEST_INSTANT || instant > LATEST_INSTANT ? null : instant
}

/** Whether a text is a date-time parseInstant reads: the schemas' `date-time` format. */
export const isInstantText = (text: string): boolean => parseInstant(text) !== null

/**
 * Whether a value from a time column of the store is a time: epoch ms, a finite number. Text, a
 * blob, or a number that is not finite (written behind the daemon's back) is not; null is no time.
 */
export const isStoredInstant = (value: unknown): value is Instant => typeof value === 'number' && Number.isFinite(value)
