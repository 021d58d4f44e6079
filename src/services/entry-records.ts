import type { IndexEntry } from '../domain/block-index.js'
import { usualReference } from '../domain/block-reference-id.js'
import { formatReference } from '../domain/block-reference.js'
import { isStoredInstant, parseInstant } from '../domain/instant.js'
import { keysFor } from '../domain/contact-keys.js'
import type { AddressObject, ContactKind, DetailKeys } from '../domain/detail-keys.js'
import type { MatchTokens } from '../domain/key-hash.js'
import type { DetailRow, EntryRow } from '../store/entries-store.js'
import type { Entry } from '../schemas/entry.js'
import type { FeedEntry } from '../schemas/feed.js'
import { protectedNameFor } from './index-state.js'

/**
 * The one place that turns entries between their forms: the store's rows, the API's ENTRY, the
 * feed's entry and the index's entry. Entries made here and entries from the hub go through the
 * same keying, so a check meets both alike.
 */

export interface EntryWarning { field: string, code: string, message: string }
export interface DetailProblem { field: string, code: string, message: string }

export interface DetailSource {
  phones?: readonly string[]
  emails?: readonly string[]
  addresses?: ReadonlyArray<string | AddressObject>
}

const FIELDS: Array<{ field: keyof DetailSource, kind: ContactKind }> = [
  { field: 'phones', kind: 'phone' },
  { field: 'emails', kind: 'email' },
  { field: 'addresses', kind: 'address' }
]

/**
 * A stored time as RFC 3339 text. One the store holds that is not a time (written behind the
 * daemon's back) is shown as none: for a start or an end that is how the index reads it, in force
 * (block-index.ts fromBound, untilBound).
 */
const iso = (ms: number | null): string | null => (isStoredInstant(ms) ? new Date(ms).toISOString() : null)

/**
 * Keys every detail; a detail that cannot be keyed at all is a rejection, one that falls back a warning.
 * The rows carry the keys as HMAC tokens (`tokens`): the form the store keeps and the index holds.
 */
export function keyDetails (entryId: string, source: DetailSource, tokens: MatchTokens): { details: DetailRow[], warnings: EntryWarning[], rejects: DetailProblem[] } {
  const details: DetailRow[] = []
  const warnings: EntryWarning[] = []
  const rejects: DetailProblem[] = []
  for (const { field, kind } of FIELDS) {
    (source[field] ?? []).forEach((value: string | AddressObject, position: number) => {
      const where = `${field}[${position}]`
      const keys = keysFor(kind, value)
      if (keys.reject !== null) {
        rejects.push({ field: where, code: keys.reject.code, message: `${where} ${keys.reject.message}` })
        return
      }
      if (keys.warning !== null) warnings.push({ field: where, code: keys.warning.code, message: `${where} ${keys.warning.message}` })
      const detail: DetailRow = {
        entry_id: entryId,
        kind,
        position,
        // Addresses are stored as JSON (a string or {lines, postcode}); phones and emails as text.
        raw: kind === 'address' ? JSON.stringify(value) : value as string,
        ...storedKeys(keys, tokens)
      }
      keysOfNew.set(detail, keys.store)
      details.push(detail)
    })
  }
  return { details, warnings, rejects }
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

/** What the store keeps of a detail's keys: its store keys as HMAC tokens, and its warning's code. */
export function storedKeys (keys: DetailKeys, tokens: MatchTokens): Pick<DetailRow, 'match_keys' | 'warning'> {
  return { match_keys: JSON.stringify(keys.store.map(tokens)), warning: keys.warning?.code ?? null }
}

/** A detail as entered, from the text the store keeps (addresses as JSON, phones and emails as text). */
export const enteredValue = (kind: ContactKind, text: string): string | AddressObject =>
  kind === 'address' ? JSON.parse(text) as string | AddressObject : text

const rawValue = (detail: DetailRow): string | AddressObject => enteredValue(detail.kind, detail.raw)

function rawDetails (details: DetailRow[]) {
  const ofKind = (kind: ContactKind) => details.filter((detail) => detail.kind === kind)
  return {
    phones: ofKind('phone').map((detail) => detail.raw),
    emails: ofKind('email').map((detail) => detail.raw),
    addresses: ofKind('address').map(rawValue) as Array<string | AddressObject>
  }
}

/**
 * A detail's normalised keys, read again from the detail as entered: the store keeps only their
 * HMAC tokens, which cannot be read back.
 */
const plainKeys = (detail: DetailRow): string[] => keysOfNew.get(detail) ?? keysFor(detail.kind, rawValue(detail)).store

/** The plain keys of details keyed just now (keyDetails), so that a create need not read them again. */
const keysOfNew = new WeakMap<DetailRow, string[]>()

/** The feed's form: the entry with its details as entered, no keys (each side keys them itself). */
export function toFeedEntry (row: EntryRow, details: DetailRow[]): FeedEntry {
  return {
    id: row.id,
    scope: row.scope,
    prisoner: row.prisoner,
    establishment: row.establishment,
    status: row.status,
    ...rawDetails(details),
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
    liftReason: row.lift_reason
  }
}

/** The ENTRY body of docs/API.md: an admin reading its own entry sees the details as entered. */
export function toEntry (row: EntryRow, details: DetailRow[], warnings: EntryWarning[] = []): Entry {
  const keys = (kind: ContactKind) => details.filter((detail) => detail.kind === kind).map(plainKeys)
  return {
    ...toFeedEntry(row, details),
    // One the store has not given yet (a row written behind the daemon's back): its usual one.
    reference: formatReference(row.reference ?? usualReference(row.id)),
    origin: row.origin ?? 'local',
    erasedAt: iso(row.erased_at ?? null),
    keys: { phones: keys('phone'), emails: keys('email'), addresses: keys('address') },
    warnings
  }
}

/**
 * A feed entry as a store row (its times as epoch ms), or the first of its times that does not
 * read (parseInstant, the feed schema's own date-time format): such an entry is never stored.
 * `origin` is set by the store.
 */
export function rowFromFeed (entry: FeedEntry): { row: EntryRow } | { unreadable: string } {
  const times = {
    effectiveFrom: entry.effectiveFrom === null ? null : parseInstant(entry.effectiveFrom),
    expiresAt: entry.expiresAt === null ? null : parseInstant(entry.expiresAt),
    createdAt: parseInstant(entry.createdAt),
    liftedAt: entry.liftedAt === null ? null : parseInstant(entry.liftedAt)
  }
  for (const field of ['effectiveFrom', 'expiresAt', 'createdAt', 'liftedAt'] as const) {
    if (times[field] === null && entry[field] !== null) return { unreadable: field }
  }
  const row: EntryRow = {
    id: entry.id,
    scope: entry.scope,
    prisoner: entry.prisoner,
    establishment: entry.establishment,
    status: entry.status,
    protected_person: entry.protectedPerson,
    address_mode: entry.addressMode,
    reason: entry.reason,
    request_ref: entry.requestRef,
    consent: entry.consent === null ? null : entry.consent ? 1 : 0,
    effective_from: times.effectiveFrom,
    expires_at: times.expiresAt,
    created_by: entry.createdBy,
    created_at: times.createdAt as number,
    lifted_by: entry.liftedBy,
    lifted_at: times.liftedAt,
    lift_reason: entry.liftReason
  }
  return { row }
}

export function ownPhoneKeys (details: DetailRow[]): string[] {
  return details.filter((detail) => detail.kind === 'phone').flatMap(plainKeys)
}

export function countDetails (details: DetailRow[]) {
  const count = (kind: ContactKind) => details.filter((detail) => detail.kind === kind).length
  return { phones: count('phone'), emails: count('email'), addresses: count('address') }
}
