import type { AuditStore, AuditWriter } from '../audit/index.js'
import type { AuditQuery } from '../schemas/entry.js'
import { referenceField } from './reference-field.js'
import { timeField } from './time-field.js'

const time = (field: string, text: string | undefined): number | undefined => (text === undefined ? undefined : timeField(field, text))

/** Reading the audit trail: newest first, paged by id, with what was decided a moment ago included. */
export function createAuditTrailService (audit: AuditStore, writer: AuditWriter) {
  return {
    /** `from`, `to` and `reference` as typed: read here, an InvalidError naming the field when one cannot be. */
    list (query: AuditQuery) {
      const { limit = 100, from, to, reference, ...filter } = query
      const read = { ...filter, from: time('from', from), to: time('to', to), reference: referenceField('reference', reference) }
      // Queued check records first, so that what was decided a moment ago is already listed.
      writer.flush()
      const rows = audit.list(read, limit)
      return {
        items: rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() })),
        next: rows.length === limit ? rows[rows.length - 1]?.id ?? null : null
      }
    }
  }
}

export type AuditTrailService = ReturnType<typeof createAuditTrailService>
