import { parse as parseCsv } from 'csv-parse/sync'
import { ajv, describeError } from '../schemas/ajv.js'
import { createEntryBody } from '../schemas/entry.js'
import type { CreateEntryBody } from '../schemas/entry.js'
import type { EntriesService, PreparedEntry } from './entries.js'
import { DomainError } from '../domain/errors.js'

const validateEntry = ajv.compile<CreateEntryBody>(createEntryBody)

export interface ImportProblem { row: number, message: string }
export interface ImportReport { rows: number, imported: number, rejected: ImportProblem[], warnings: ImportProblem[], strict: boolean }

/** CSV columns; several phones or emails are separated by ';', several addresses by '|'. */
export const CSV_COLUMNS = ['scope', 'prisoner', 'establishment', 'phones', 'emails', 'addresses', 'protectedPerson',
  'reason', 'requestRef', 'consent', 'effectiveFrom', 'expiresAt'] as const

const LIST_SEPARATOR: Record<string, string> = { phones: ';', emails: ';', addresses: '|' }

/** One CSV record as a create body: empty cells are left out, lists split, consent a boolean. */
function fromCsv (record: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [column, cell] of Object.entries(record)) {
    const value = cell.trim()
    if (value === '') continue
    const separator = LIST_SEPARATOR[column]
    if (separator !== undefined) body[column] = value.split(separator).map((part) => part.trim()).filter((part) => part !== '')
    else if (column === 'consent') body[column] = /^(true|yes|y|1)$/i.test(value) ? true : /^(false|no|n|0)$/i.test(value) ? false : value
    else body[column] = value
  }
  return body
}

/** Rows of an NDJSON file (one JSON object a line) or a CSV file with a header line, numbered from 1. */
export function readRows (text: string, format: 'ndjson' | 'csv'): Array<{ row: number, body: unknown, problem?: string }> {
  if (format === 'csv') {
    let records: Array<Record<string, string>>
    try {
      records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: false, bom: true }) as Array<Record<string, string>>
    } catch (err) {
      const line = (err as { lines?: number }).lines
      return [{ row: line ?? 0, body: null, problem: 'the CSV cannot be read from here on' }]
    }
    const unknown = Object.keys(records[0] ?? {}).filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column))
    if (unknown.length > 0) return [{ row: 1, body: null, problem: `unknown CSV columns: ${unknown.join(', ')}` }]
    // Row numbers count the header as row 1, so that they match what a spreadsheet shows.
    return records.map((record, i) => ({ row: i + 2, body: fromCsv(record) }))
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return []
    try {
      return [{ row: i + 1, body: JSON.parse(line) as unknown }]
    } catch {
      return [{ row: i + 1, body: null, problem: 'not valid JSON' }]
    }
  })
}

/**
 * Validates every row with the API's own rules and reports the bad ones by row number. All good
 * rows go in ONE transaction; with `strict`, a single bad row means none go in.
 */
export function importRows (rows: ReturnType<typeof readRows>, entries: EntriesService, actor: string, now: number, strict: boolean): ImportReport {
  const rejected: ImportProblem[] = []
  const warnings: ImportProblem[] = []
  const good: PreparedEntry[] = []
  for (const { row, body, problem } of rows) {
    if (problem !== undefined) {
      rejected.push({ row, message: problem })
      continue
    }
    if (!validateEntry(body)) {
      rejected.push({ row, message: describeError(validateEntry.errors?.[0], 'row') })
      continue
    }
    try {
      const prepared = entries.prepare(body, actor, now)
      for (const warning of prepared.warnings) warnings.push({ row, message: warning.message })
      good.push(prepared)
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      rejected.push({ row, message: err.message })
    }
  }
  const proceed = good.length > 0 && !(strict && rejected.length > 0)
  if (proceed) entries.insertPrepared(good)
  return { rows: rows.length, imported: proceed ? good.length : 0, rejected, warnings, strict }
}
