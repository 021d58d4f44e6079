import { randomUUID } from 'node:crypto'
import type { IndexEntry } from '../domain/block-index.js'
import { keysFor } from '../domain/contact-keys.js'
import type { AddressObject, ContactKind } from '../domain/detail-keys.js'
import { looksLikeContactDetail } from '../domain/free-text.js'
import { parsePersonName } from '../domain/person-name.js'
import type { AuditStore } from '../store/audit-store.js'
import type { AuditWriter } from './audit-writer.js'
import type { Db } from '../store/db.js'
import type { DetailRow, EntriesStore, EntryFilter, EntryRow } from '../store/entries-store.js'
import type { CreateEntryBody, Entry } from '../schemas/entry.js'
import { HttpError, badRequest } from './http-error.js'
import type { IndexState } from './index-state.js'
import { protectedNameFor } from './index-state.js'

export interface EntryWarning { field: string, code: string, message: string }

const FIELDS: Array<{ field: 'phones' | 'emails' | 'addresses', kind: ContactKind }> = [
  { field: 'phones', kind: 'phone' },
  { field: 'emails', kind: 'email' },
  { field: 'addresses', kind: 'address' }
]

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** Free text goes to the audit trail: it must not carry a contact detail. */
function checkFreeText (field: string, text: string | undefined, ownPhoneKeys: readonly string[]): void {
  if (text !== undefined && looksLikeContactDetail(text, ownPhoneKeys)) {
    throw badRequest(`${field} must not contain a phone number, email address or postcode: the audit trail keeps it`)
  }
}

function parseTime (field: string, text: string | undefined): number | null {
  if (text === undefined) return null
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) throw badRequest(`${field} is not a valid date-time`)
  return ms
}

export function toIndexEntry (row: EntryRow, details: DetailRow[]): IndexEntry {
  return {
    id: row.id,
    scope: row.scope,
    prisoner: row.prisoner,
    establishment: row.establishment,
    effectiveFrom: row.effective_from,
    expiresAt: row.expires_at,
    keys: details.flatMap((detail) => JSON.parse(detail.match_keys) as string[]),
    addressMode: row.address_mode,
    protectedName: protectedNameFor(row.address_mode, row.protected_person)
  }
}

/** The ENTRY body of DESIGN.md: an admin reading its own entry sees the details as entered. */
export function toEntry (row: EntryRow, details: DetailRow[], warnings: EntryWarning[] = []): Entry {
  const ofKind = (kind: ContactKind) => details.filter((detail) => detail.kind === kind)
  // Addresses are stored as JSON (a string or {lines, postcode}); phones and emails as text.
  const raw = (detail: DetailRow) => JSON.parse(detail.raw) as string | AddressObject
  const keys = (kind: ContactKind) => ofKind(kind).map((detail) => JSON.parse(detail.match_keys) as string[])
  return {
    id: row.id,
    status: row.status,
    scope: row.scope,
    prisoner: row.prisoner,
    establishment: row.establishment,
    phones: ofKind('phone').map((detail) => detail.raw),
    emails: ofKind('email').map((detail) => detail.raw),
    addresses: ofKind('address').map(raw),
    protectedPerson: row.protected_person,
    addressMode: row.address_mode,
    reason: row.reason,
    requestRef: row.request_ref,
    consent: row.consent === null ? null : row.consent === 1,
    effectiveFrom: iso(row.effective_from),
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at) as string,
    createdBy: row.created_by,
    liftedAt: iso(row.lifted_at),
    liftedBy: row.lifted_by,
    liftReason: row.lift_reason,
    keys: { phones: keys('phone'), emails: keys('email'), addresses: keys('address') },
    warnings
  }
}

export interface EntriesDeps {
  db: Db
  entries: EntriesStore
  audit: AuditStore
  /** queued check records are written before an admin write, so the trail's ids follow time */
  auditWriter: AuditWriter
  indexState: IndexState
  clock: () => number
  establishment: string
  /** an establishment daemon records blocks for its own establishment only; a hub for any */
  role: 'establishment' | 'hub'
}

/** Create, lift, read and list entries: each write and its audit row in one transaction. */
export function createEntriesService (deps: EntriesDeps) {
  const { db, entries, audit, indexState, clock } = deps

  function normaliseDetails (id: string, body: CreateEntryBody): { details: DetailRow[], warnings: EntryWarning[] } {
    const details: DetailRow[] = []
    const warnings: EntryWarning[] = []
    for (const { field, kind } of FIELDS) {
      const values = (body[field] ?? []) as Array<string | AddressObject>
      values.forEach((value, position) => {
        const where = `${field}[${position}]`
        const keys = keysFor(kind, value)
        if (keys.reject !== null) throw badRequest(`${where} ${keys.reject.message}`)
        if (keys.warning !== null) warnings.push({ field: where, code: keys.warning.code, message: `${where} ${keys.warning.message}` })
        details.push({
          entry_id: id,
          kind,
          position,
          raw: kind === 'address' ? JSON.stringify(value) : value as string,
          match_keys: JSON.stringify(keys.store),
          warning: keys.warning?.code ?? null
        })
      })
    }
    if (details.length === 0) throw badRequest('at least one of phones, emails, addresses is required')
    return { details, warnings }
  }

  const insertWithAudit = db.transaction((row: EntryRow, details: DetailRow[], warnings: EntryWarning[]) => {
    entries.insert(row, details)
    audit.append({
      at: row.created_at,
      actor: row.created_by,
      action: 'entry.create',
      entryId: row.id,
      reason: row.reason,
      detail: {
        scope: row.scope,
        prisoner: row.prisoner,
        establishment: row.establishment,
        addressMode: row.address_mode,
        requestRef: row.request_ref,
        details: { phones: count(details, 'phone'), emails: count(details, 'email'), addresses: count(details, 'address') },
        warnings: warnings.map((warning) => ({ field: warning.field, code: warning.code }))
      }
    })
  })

  const liftWithAudit = db.transaction((id: string, actor: string, at: number, reason: string): boolean => {
    if (!entries.lift(id, actor, at, reason)) return false
    audit.append({ at, actor, action: 'entry.lift', entryId: id, reason, detail: null })
    return true
  })

  function get (id: string): Entry {
    const row = entries.get(id)
    if (row === undefined) throw new HttpError(404, 'not_found', 'no entry with that id')
    return toEntry(row, entries.details(id))
  }

  return {
    create (body: CreateEntryBody, actor: string): Entry {
      const prisoner = body.prisoner?.toUpperCase() ?? null
      if (body.scope === 'prisoner' && prisoner === null) throw badRequest('prisoner is required for scope prisoner')
      const establishment = body.establishment ?? deps.establishment
      if (deps.role === 'establishment' && establishment !== deps.establishment) {
        // A block recorded here for another prison would block nobody here: refuse the typo.
        throw badRequest('establishment must be this daemon\'s own; blocks for other establishments are made at the hub')
      }
      const now = clock()
      const effectiveFrom = parseTime('effectiveFrom', body.effectiveFrom)
      const expiresAt = parseTime('expiresAt', body.expiresAt)
      if (expiresAt !== null && expiresAt <= Math.max(now, effectiveFrom ?? now)) {
        throw badRequest('expiresAt must be after effectiveFrom and in the future')
      }
      const addressMode = body.addressMode ?? 'whole'
      if (addressMode === 'named') {
        // Named: only mail to the protected person at these addresses is held, so the name must be readable.
        if (body.protectedPerson === undefined) throw badRequest('protectedPerson is required when addressMode is named')
        if (parsePersonName(body.protectedPerson) === null) throw badRequest('protectedPerson must name a person when addressMode is named')
        if ((body.addresses ?? []).length === 0) throw badRequest('addressMode named needs at least one address')
      }
      const id = randomUUID()
      const { details, warnings } = normaliseDetails(id, body)
      const phoneKeys = ownPhoneKeys(details)
      checkFreeText('reason', body.reason, phoneKeys)
      checkFreeText('requestRef', body.requestRef, phoneKeys)
      const row: EntryRow = {
        id,
        scope: body.scope,
        prisoner,
        establishment,
        status: 'active',
        protected_person: body.protectedPerson ?? null,
        address_mode: addressMode,
        reason: body.reason,
        request_ref: body.requestRef ?? null,
        consent: body.consent === undefined ? null : body.consent ? 1 : 0,
        effective_from: effectiveFrom,
        expires_at: expiresAt,
        created_by: actor,
        created_at: now,
        lifted_by: null,
        lifted_at: null,
        lift_reason: null
      }
      deps.auditWriter.flush()
      insertWithAudit(row, details, warnings)
      // The index follows the store only after the commit: a failed write never blocks or unblocks.
      indexState.index.upsert(toIndexEntry(row, details))
      return toEntry(row, details, warnings)
    },

    lift (id: string, reason: string, actor: string): Entry {
      const row = entries.get(id)
      if (row === undefined) throw new HttpError(404, 'not_found', 'no entry with that id')
      checkFreeText('reason', reason, ownPhoneKeys(entries.details(id)))
      if (row.status === 'lifted') throw new HttpError(409, 'already_lifted', 'the entry is already lifted')
      deps.auditWriter.flush()
      if (!liftWithAudit(id, actor, clock(), reason)) {
        throw new HttpError(409, 'already_lifted', 'the entry is already lifted')
      }
      indexState.index.remove(id)
      return get(id)
    },

    get,

    list (filter: EntryFilter, limit: number, offset: number) {
      const { rows, total } = entries.list(filter, limit, offset)
      return { items: rows.map((row) => toEntry(row, entries.details(row.id))), total, limit, offset }
    }
  }
}

function ownPhoneKeys (details: DetailRow[]): string[] {
  return details.filter((detail) => detail.kind === 'phone').flatMap((detail) => JSON.parse(detail.match_keys) as string[])
}

function count (details: DetailRow[], kind: ContactKind): number {
  return details.filter((detail) => detail.kind === kind).length
}

export type EntriesService = ReturnType<typeof createEntriesService>
