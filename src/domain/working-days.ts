/**
 * The working-day clock of a request (docs/REQUESTS.md, "The clock"): the national service passes a
 * request on within one working day, and the establishment decides within two more. Working days are
 * Monday to Friday, less the bank holidays of the establishment's nation, which differ between
 * England and Wales, Scotland and Northern Ireland (config/bank-holidays.json). Days are UK days:
 * all three nations keep Europe/London time, GMT in winter and BST in summer.
 *
 * Pure: the caller passes every instant and the calendar.
 */

export const NATIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const
export type Nation = typeof NATIONS[number]

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string

export interface WorkingCalendar {
  /** the nation's bank holidays */
  holidays: ReadonlySet<Day>
  /** the first and last years the holidays are known for; outside them only weekends count */
  years: readonly [number, number]
  /** the local hour (0-23) the working day ends at: a request received at or after it counts from the next working day */
  dayEndsAtHour: number
}

const ZONE = 'Europe/London'
const DAY_MS = 86_400_000

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
})

/** The UK local calendar day and hour of an instant. */
export function localTime (at: number): { day: Day, hour: number, minute: number, second: number } {
  const got: Record<string, string> = {}
  for (const part of parts.formatToParts(new Date(at))) got[part.type] = part.value
  return { day: `${got.year}-${got.month}-${got.day}`, hour: Number(got.hour), minute: Number(got.minute), second: Number(got.second) }
}

const utcOf = (day: Day): number => Date.parse(`${day}T00:00:00Z`)
const dayOf = (utcMidnight: number): Day => new Date(utcMidnight).toISOString().slice(0, 10)

/** The day after `day`. */
export const nextDay = (day: Day): Day => dayOf(utcOf(day) + DAY_MS)

export function isWorkingDay (day: Day, calendar: WorkingCalendar): boolean {
  const weekday = new Date(utcOf(day)).getUTCDay()
  return weekday !== 0 && weekday !== 6 && !calendar.holidays.has(day)
}

/** Whether the calendar knows the bank holidays of the year of `day`. */
export function knowsYear (day: Day, calendar: WorkingCalendar): boolean {
  const year = Number(day.slice(0, 4))
  return year >= calendar.years[0] && year <= calendar.years[1]
}

/**
 * The working day a request received at `at` counts from: its own day when that is a working day and
 * it came before the day ended; otherwise the next working day (an evening, a weekend, a bank holiday).
 */
export function countsFrom (at: number, calendar: WorkingCalendar): Day {
  const { day, hour } = localTime(at)
  if (isWorkingDay(day, calendar) && hour < calendar.dayEndsAtHour) return day
  let next = nextDay(day)
  while (!isWorkingDay(next, calendar)) next = nextDay(next)
  return next
}

/** The working day `count` working days after `day` (count 0: `day` itself). */
export function addWorkingDays (day: Day, count: number, calendar: WorkingCalendar): Day {
  let current = day
  for (let left = count; left > 0;) {
    current = nextDay(current)
    if (isWorkingDay(current, calendar)) left--
  }
  return current
}

/** The instant the working day ends on `day`, UK local time (BST or GMT as that day keeps). */
export function endOfWorkingDay (day: Day, calendar: WorkingCalendar): number {
  const guess = utcOf(day) + calendar.dayEndsAtHour * 3_600_000
  // The UK is never behind UTC: the local hour of the guess is the offset plus the wanted hour.
  const local = localTime(guess)
  const offsetHours = ((local.hour - calendar.dayEndsAtHour) + 24) % 24
  return guess - offsetHours * 3_600_000
}

/**
 * When something received at `at` is due, `workingDays` working days on: the end of the working day
 * that many working days after the day it counts from. One working day for a request received on a
 * Monday morning ends on Tuesday; one received on Friday evening counts from Monday, so is due Tuesday.
 */
export function dueAt (at: number, workingDays: number, calendar: WorkingCalendar): number {
  return endOfWorkingDay(addWorkingDays(countsFrom(at, calendar), workingDays, calendar), calendar)
}

/** A calendar from the shipped data (config/bank-holidays.json) for one nation. */
export function calendarOf (data: { years: readonly [number, number], nations: Record<Nation, readonly Day[]> }, nation: Nation, dayEndsAtHour: number): WorkingCalendar {
  return { holidays: new Set(data.nations[nation]), years: data.years, dayEndsAtHour }
}
