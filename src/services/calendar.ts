import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'
import { ajv } from '../schemas/ajv.js'
import { NATIONS, calendarOf, knowsYear, localTime } from '../domain/working-days.js'
import type { Nation, WorkingCalendar } from '../domain/working-days.js'

const SHIPPED = new URL('../../config/bank-holidays.json', import.meta.url)

const day = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' } as const
const bankHolidaysSchema = {
  type: 'object',
  required: ['years', 'nations'],
  properties: {
    source: { type: 'string' },
    years: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'integer', minimum: 2000, maximum: 2200 } },
    nations: {
      type: 'object',
      additionalProperties: false,
      required: [...NATIONS],
      properties: Object.fromEntries(NATIONS.map((nation) => [nation, { type: 'array', maxItems: 2000, items: day }]))
    }
  }
} as const
const validate = ajv.compile(bankHolidaysSchema as object)

/** The bank holidays file cannot be used: start-up stops with this message. */
export class CalendarError extends Error {}

/**
 * The working-day calendar of this establishment's nation from the bank holidays file
 * (config/bank-holidays.json unless `file` names another; docs/REQUESTS.md says how to extend it).
 * Warns when next year's holidays are not in it: past them the clock counts weekends only.
 */
export function loadCalendar (file: string | null, nation: Nation, dayEndsAtHour: number, now: number, log: Logger): WorkingCalendar {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file ?? SHIPPED, 'utf8'))
  } catch {
    throw new CalendarError('invalid configuration: requests.bankHolidaysFile cannot be read as JSON')
  }
  if (!validate(data)) throw new CalendarError('invalid configuration: requests.bankHolidaysFile does not hold years and each nation\'s dates as YYYY-MM-DD')
  const shaped = data as { years: [number, number], nations: Record<Nation, string[]> }
  const calendar = calendarOf(shaped, nation, dayEndsAtHour)
  const nextYear = `${Number(localTime(now).day.slice(0, 4)) + 1}-01-01`
  if (!knowsYear(nextYear, calendar)) {
    log.warn({ years: shaped.years }, 'the bank holidays file does not cover next year: the request clock counts weekends only past its last year (docs/REQUESTS.md)')
  }
  return calendar
}
