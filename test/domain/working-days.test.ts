import { readFileSync } from 'node:fs'
import t from 'tap'
import { NATIONS, calendarOf, countsFrom, dueAt, isWorkingDay, knowsYear } from '../../src/domain/working-days.js'
import type { Nation } from '../../src/domain/working-days.js'

const data = JSON.parse(readFileSync(new URL('../../config/bank-holidays.json', import.meta.url), 'utf8')) as {
  years: [number, number], nations: Record<Nation, string[]>
}
const ew = calendarOf(data, 'england-and-wales', 17)
const scotland = calendarOf(data, 'scotland', 17)
const ni = calendarOf(data, 'northern-ireland', 17)
const at = (text: string): number => Date.parse(text)
const iso = (ms: number): string => new Date(ms).toISOString()

t.test('the shipped bank holidays: weekdays only, and each nation\'s count a year', async (t) => {
  // England and Wales 8, Scotland 9 (2 January and St Andrew's Day, no Easter Monday),
  // Northern Ireland 10 (St Patrick's Day and the Battle of the Boyne).
  const perYear: Record<Nation, number> = { 'england-and-wales': 8, scotland: 9, 'northern-ireland': 10 }
  for (const nation of NATIONS) {
    for (let year = data.years[0]; year <= data.years[1]; year++) {
      t.equal(data.nations[nation].filter((day) => day.startsWith(`${year}-`)).length, perYear[nation], `${nation} ${year}`)
    }
    for (const day of data.nations[nation]) {
      const weekday = new Date(`${day}T12:00:00Z`).getUTCDay()
      t.ok(weekday >= 1 && weekday <= 5, `${nation} ${day} is a weekday (a substitute day moves a weekend holiday)`)
    }
  }
})

t.test('weekends and bank holidays are not working days', async (t) => {
  t.equal(isWorkingDay('2026-12-07', ew), true, 'a Monday')
  t.equal(isWorkingDay('2026-12-05', ew), false, 'a Saturday')
  t.equal(isWorkingDay('2026-12-06', ew), false, 'a Sunday')
  t.equal(isWorkingDay('2026-12-28', ew), false, 'Boxing Day falls on a Saturday: Monday 28th instead')
  t.equal(isWorkingDay('2026-04-06', ew), false, 'Easter Monday in England and Wales')
  t.equal(isWorkingDay('2026-04-06', scotland), true, 'Easter Monday is a working day in Scotland')
  t.equal(isWorkingDay('2026-11-30', scotland), false, 'St Andrew\'s Day in Scotland')
  t.equal(isWorkingDay('2026-11-30', ew), true)
  t.equal(isWorkingDay('2026-03-17', ni), false, 'St Patrick\'s Day in Northern Ireland')
  t.equal(isWorkingDay('2026-07-13', ni), false, 'the Boyne (12 July a Sunday): Monday 13th')
  t.equal(knowsYear('2030-12-31', ew), true)
  t.equal(knowsYear('2031-01-01', ew), false, 'past the shipped years only weekends are known')
})

t.test('one working day to pass on, three to the decision: a Monday morning', async (t) => {
  const monday = at('2026-12-07T10:00:00Z') // GMT: 10:00 local
  t.equal(countsFrom(monday, ew), '2026-12-07')
  t.equal(iso(dueAt(monday, 1, ew)), '2026-12-08T17:00:00.000Z', 'end of Tuesday')
  t.equal(iso(dueAt(monday, 3, ew)), '2026-12-10T17:00:00.000Z', 'end of Thursday')
})

t.test('a request received after hours counts from the next working day', async (t) => {
  t.equal(countsFrom(at('2026-12-07T17:30:00Z'), ew), '2026-12-08', 'Monday 17:30')
  t.equal(iso(dueAt(at('2026-12-07T17:30:00Z'), 1, ew)), '2026-12-09T17:00:00.000Z')
  t.equal(countsFrom(at('2026-12-07T16:59:59Z'), ew), '2026-12-07', 'Monday 16:59 is still Monday')
  t.equal(countsFrom(at('2026-12-04T18:00:00Z'), ew), '2026-12-07', 'Friday evening: Monday')
  t.equal(iso(dueAt(at('2026-12-04T18:00:00Z'), 1, ew)), '2026-12-08T17:00:00.000Z', 'due Tuesday')
  t.equal(countsFrom(at('2026-12-05T11:00:00Z'), ew), '2026-12-07', 'Saturday: Monday')
  // In summer the UK keeps BST (UTC+1): 16:30 UTC is 17:30 local, after hours.
  t.equal(countsFrom(at('2026-07-15T16:30:00Z'), ew), '2026-07-16', 'Wednesday 17:30 BST')
  t.equal(countsFrom(at('2026-07-15T15:59:00Z'), ew), '2026-07-15', 'Wednesday 16:59 BST')
  t.equal(countsFrom(at('2026-12-07T23:30:00Z'), ew), '2026-12-08', 'late evening')
  t.equal(countsFrom(at('2026-07-15T23:30:00Z'), ew), '2026-07-16', '00:30 BST is already Thursday')
})

t.test('bank holidays of each nation move the due date', async (t) => {
  // Christmas 2026: Friday 25th, and Monday 28th for Boxing Day; then 1 January 2027, a Friday;
  // Scotland also keeps 2 January, a Saturday, on Monday 4th.
  const eve = at('2026-12-24T12:00:00Z')
  t.equal(iso(dueAt(eve, 1, ew)), '2026-12-29T17:00:00.000Z', 'Thursday 24th: passed on by Tuesday 29th')
  const thirtieth = at('2026-12-30T10:00:00Z')
  t.equal(iso(dueAt(thirtieth, 3, ew)), '2027-01-05T17:00:00.000Z', 'England and Wales: 31st, 4th, 5th')
  t.equal(iso(dueAt(thirtieth, 3, ni)), '2027-01-05T17:00:00.000Z', 'Northern Ireland likewise')
  t.equal(iso(dueAt(thirtieth, 3, scotland)), '2027-01-06T17:00:00.000Z', 'Scotland: 31st, 5th, 6th')

  const friday = at('2026-11-27T10:00:00Z')
  t.equal(iso(dueAt(friday, 1, ew)), '2026-11-30T17:00:00.000Z', 'Monday 30 November')
  t.equal(iso(dueAt(friday, 1, scotland)), '2026-12-01T17:00:00.000Z', 'St Andrew\'s Day: Tuesday')

  const stPatrick = at('2026-03-16T10:00:00Z')
  t.equal(iso(dueAt(stPatrick, 1, ew)), '2026-03-17T17:00:00.000Z')
  t.equal(iso(dueAt(stPatrick, 1, ni)), '2026-03-18T17:00:00.000Z', 'St Patrick\'s Day: Wednesday')

  // Friday 10 July 2026, 09:00 BST; the working day ends at 17:00 BST, 16:00 UTC.
  const boyne = at('2026-07-10T08:00:00Z')
  t.equal(iso(dueAt(boyne, 1, ew)), '2026-07-13T16:00:00.000Z')
  t.equal(iso(dueAt(boyne, 1, ni)), '2026-07-14T16:00:00.000Z', 'the Boyne holiday: Tuesday')

  // Summer bank holiday: first Monday of August in Scotland, the last in England and Wales.
  const july = at('2026-07-31T09:00:00Z')
  t.equal(iso(dueAt(july, 1, ew)), '2026-08-03T16:00:00.000Z')
  t.equal(iso(dueAt(july, 1, scotland)), '2026-08-04T16:00:00.000Z')

  // Received on Easter Monday morning: a holiday in England and Wales, not in Scotland.
  const easterMonday = at('2026-04-06T09:00:00Z')
  t.equal(countsFrom(easterMonday, ew), '2026-04-07')
  t.equal(iso(dueAt(easterMonday, 1, ew)), '2026-04-08T16:00:00.000Z')
  t.equal(iso(dueAt(easterMonday, 1, scotland)), '2026-04-07T16:00:00.000Z')
})

t.test('the end of the day follows the clock change', async (t) => {
  // BST began on Sunday 29 March 2026: Friday ends at 17:00 GMT, Monday at 17:00 BST (16:00 UTC).
  t.equal(iso(dueAt(at('2026-03-27T10:00:00Z'), 0, ew)), '2026-03-27T17:00:00.000Z')
  t.equal(iso(dueAt(at('2026-03-27T10:00:00Z'), 1, ew)), '2026-03-30T16:00:00.000Z')
  // GMT again from Sunday 25 October 2026.
  t.equal(iso(dueAt(at('2026-10-23T10:00:00Z'), 1, ew)), '2026-10-26T17:00:00.000Z')
})
