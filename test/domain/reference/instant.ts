/**
 * A second reading of RFC 3339 date-times, written from the RFC's grammar without looking at
 * src/domain/instant.ts, for the property test to hold the two against each other. It reads the text
 * position by position, and checks the calendar by asking JavaScript's Date to build the day and
 * give its fields back (a day that does not exist comes back as another).
 *
 *   date-time = full-date "T" full-time            ("T" and "Z" also lower case)
 *   full-date = 4DIGIT "-" 2DIGIT "-" 2DIGIT       (month 01-12, day 01-28/29/30/31)
 *   full-time = 2DIGIT ":" 2DIGIT ":" 2DIGIT ["." 1*DIGIT] time-offset   (hour 00-23, minute 00-59)
 *   time-offset = "Z" / ("+" / "-") 2DIGIT ":" 2DIGIT                    (offset hour 00-23, minute 00-59)
 *
 * This daemon's choices on top of the RFC: second 60 (a leap second) is refused, the fraction is cut
 * to whole milliseconds, and the instant must fall in the years 0000-9999 in UTC.
 */
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'

function number (text: string, at: number, digits: number): number | null {
  let value = 0
  for (let i = at; i < at + digits; i++) {
    const c = text[i]
    if (!isDigit(c)) return null
    value = value * 10 + (c as string).charCodeAt(0) - 48
  }
  return value
}

export function referenceInstant (text: string): number | null {
  const year = number(text, 0, 4)
  if (year === null || text[4] !== '-') return null
  const month = number(text, 5, 2)
  if (month === null || text[7] !== '-') return null
  const day = number(text, 8, 2)
  if (day === null || (text[10] !== 'T' && text[10] !== 't')) return null
  const hour = number(text, 11, 2)
  if (hour === null || text[13] !== ':') return null
  const minute = number(text, 14, 2)
  if (minute === null || text[16] !== ':') return null
  const second = number(text, 17, 2)
  if (second === null) return null
  let at = 19
  let millis = 0
  if (text[at] === '.') {
    at++
    const start = at
    while (isDigit(text[at])) at++
    if (at === start) return null
    const fraction = text.slice(start, at)
    // Cut, not rounded: .9999 is 999 ms.
    millis = Number((fraction + '000').slice(0, 3))
  }
  let offsetMinutes = 0
  if (text[at] === 'Z' || text[at] === 'z') {
    at++
  } else if (text[at] === '+' || text[at] === '-') {
    const sign = text[at] === '-' ? -1 : 1
    const offsetHour = number(text, at + 1, 2)
    if (offsetHour === null || text[at + 3] !== ':') return null
    const offsetMinute = number(text, at + 4, 2)
    if (offsetMinute === null || offsetHour > 23 || offsetMinute > 59) return null
    offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
    at += 6
  } else {
    return null
  }
  if (at !== text.length) return null
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null

  const date = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  const instant = date.getTime() - offsetMinutes * 60_000
  const utcYear = new Date(instant).getUTCFullYear()
  return utcYear < 0 || utcYear > 9999 ? null : instant
}
