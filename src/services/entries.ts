import { v7 as timeOrderedUuid } from 'uuid'
import { ENTRY_ID, isWholeReference, readReference } from '../domain/block-reference.js'
import type { KeyHasher, MatchTokens } from '../domain/key-hash.js'
import { parsePersonName } from '../domain/person-name.js'
import { personalDataIn } from '../domain/personal-data-in-text.js'
import type { PersonalData, TextContext } from '../domain/personal-data-in-text.js'
import type { AuditStore } from '../audit/index.js'
import type { ChangesStore } from '../store/changes-store.js'
import { NATIONAL } from '../store/changes-store.js'
import type { Db } from '../store/db.js'
import type { DetailRow, EntriesStore, EntryFilter, EntryRow } from '../store/entries-store.js'
import type { CreateEntryBody, Entry } from '../schemas/entry.js'
import type { AuditWriter } from '../audit/index.js'
import { countDetails, keyDetails, ownPhoneKeys, toEntry, toIndexEntry } from './entry-records.js'
import type { EntryWarning } from './entry-records.js'
import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js'
import type { IndexState } from './index-state.js'
import { referenceField } from './reference-field.js'
import { timeField } from './time-field.js'

const KIND_TEXT: Record<PersonalData, string> = {
  phone: 'a phone number',
  email: 'an email address',
  postcode: 'a postcode',
  name: 'the protected person\'s name'
}

/**
 * Free text (a reason, a request reference) is kept as long as its entry: it must hold no phone
 * number, email address, postcode or the protected person's name. The message names the field and
 * the kind of detail, never the text.
 */
export function checkFreeText (field: string, text: string | undefined, context: TextContext): void {
  const found = text === undefined ? null : personalDataIn(text, context)
  if (found !== null) {
    throw new InvalidError(`${field}: must not hold a phone number, email address, postcode or the protected person's name ` +
      `(it holds what reads as ${KIND_TEXT[found]}); ${field === 'requestRef' ? 'write the reference' : 'describe the reason'} without contact details`)
  }
}

/** What a reason's keyed hash is made of before its text, so that it never equals a match key's. */
const REASON_HASH_LABEL = 'reason\0'

const parseTime = (field: string, text: string | undefined): number | null => (text === undefined ? null : timeField(field, text))

/** Which establishments' feeds a change concerns: the entry's own, or all for a national one. */
export function audienceOf (row: Pick<EntryRow, 'scope' | 'establishment'>): string {
  return row.scope === 'national' ? NATIONAL : row.establishment
}

export interface EntriesDeps {
  db: Db
  entries: EntriesStore
  changes: ChangesStore
  audit: AuditStore
  /** queued check records are written before an admin write, so the trail's ids follow time */
  auditWriter: AuditWriter
  indexState: IndexState
  clock: () => number
  establishment: string
  /** an establishment daemon records blocks for its own establishment only; a hub for any */
  role: 'establishment' | 'hub'
  /** match keys as the store and index hold them (HMAC tokens) */
  tokens: MatchTokens
  /** the keyed hash of logs and the audit trail (key-hash.ts, createKeyHasher) */
  keyHash: KeyHasher
}

export interface PreparedEntry { row: EntryRow, details: DetailRow[], warnings: EntryWarning[] }

export interface TransferReport { prisoner: string, to: string, moved: Array<{ entryId: string, from: string }> }

/**
 * Create, lift, transfer, read and list entries. Each write, its change-log row and its audit row
 * share one transaction; the index follows only after the commit, so a failed write never blocks
 * or unblocks anything.
 */
export function createEntriesService (deps: EntriesDeps) {
  const { db, entries, changes, audit, indexState, clock } = deps
  /**
   * An audit row names its reason by a keyed hash, not its text: the trail is kept for good and
   * cannot forget a row without breaking its chain, while the reason itself is sealed with its
   * entry and erased with it. The hash still shows which reason was given, to whoever holds the key.
   */
  const reasonHash = (reason: string): string => deps.keyHash(REASON_HASH_LABEL + reason)

  // Admin writes are called .immediate(): they take the write lock first, so another process's lock is
  // waited for (busy_timeout). A deferred transaction that reads before it writes (the data key check)
  // gets SQLITE_BUSY at once in WAL mode, without the busy handler (https://sqlite.org/lang_transaction.html).
  const insertWithAudit = db.transaction((row: EntryRow, details: DetailRow[], warnings: EntryWarning[], alongside?: () => void) => {
    entries.insert(row, details)
    changes.append(row.id, audienceOf(row), 'upsert', row.created_at)
    if (row.scope === 'prisoner' && row.prisoner !== null) changes.setLocation(row.prisoner, row.establishment, row.created_at)
    audit.append({
      at: row.created_at,
      actor: row.created_by,
      action: 'entry.create',
      entryId: row.id,
      reason: null,
      detail: {
        reasonHash: reasonHash(row.reason),
        scope: row.scope,
        prisoner: row.prisoner,
        establishment: row.establishment,
        addressMode: row.address_mode,
        requestRef: row.request_ref,
        details: countDetails(details),
        warnings: warnings.map((warning) => ({ field: warning.field, code: warning.code }))
      }
    })
    alongside?.()
  })

  const liftWithAudit = db.transaction((row: EntryRow, actor: string, at: number, reason: string, alongside?: () => void): boolean => {
    if (!entries.lift(row.id, actor, at, reason)) return false
    changes.append(row.id, audienceOf(row), 'upsert', at)
    audit.append({ at, actor, action: 'entry.lift', entryId: row.id, reason: null, detail: { reasonHash: reasonHash(reason) } })
    alongside?.()
    return true
  })

  /** What else moves with a prisoner, in the transfer's transaction (requests not decided yet). */
  const transferHooks: Array<(prisoner: string, to: string, actor: string, at: number) => void> = []

  /** A prisoner's entries follow the prisoner: the old feed says remove, the new one upsert. */
  const transferWithAudit = db.transaction((prisoner: string, to: string, actor: string, at: number): TransferReport => {
    const moved: TransferReport['moved'] = []
    for (const row of entries.prisonerScoped(prisoner)) {
      if (row.establishment === to) continue
      changes.append(row.id, row.establishment, 'remove', at)
      entries.moveTo(row.id, to)
      changes.append(row.id, to, 'upsert', at)
      moved.push({ entryId: row.id, from: row.establishment })
    }
    changes.setLocation(prisoner, to, at)
    audit.append({ at, actor, action: 'prisoner.transfer', entryId: null, reason: null, detail: { prisoner, to, moved } })
    for (const hook of transferHooks) hook(prisoner, to, actor, at)
    return { prisoner, to, moved }
  })

  function get (id: string): Entry {
    const row = entries.get(id)
    if (row === undefined) throw new NotFoundError('no entry with that id')
    return toEntry(row, entries.details(id))
  }

  /** A block by its entry id or by its whole reference, as a person typed it. */
  function find (idOrReference: string): Entry {
    if (ENTRY_ID.test(idOrReference)) return get(idOrReference)
    const reference = readReference(idOrReference)
    if (reference === null || !isWholeReference(reference)) {
      throw new InvalidError('id must be an entry id or a block reference like K7QM-4XRT')
    }
    const row = entries.byReference(reference)
    if (row === undefined) throw new NotFoundError('no entry with that reference')
    return toEntry(row, entries.details(row.id))
  }

  function establishmentFor (body: CreateEntryBody, prisoner: string | null): string {
    if (deps.role === 'establishment') {
      const establishment = body.establishment ?? deps.establishment
      // A block recorded here for another prison would block nobody here: refuse the typo.
      if (establishment !== deps.establishment) throw new InvalidError('establishment must be this daemon\'s own; blocks for other establishments are made at the hub')
      return establishment
    }
    if (body.establishment !== undefined) return body.establishment
    if (body.scope === 'national') return deps.establishment
    const held = prisoner === null ? undefined : changes.location(prisoner)
    if (body.scope === 'prisoner' && held !== undefined) return held
    throw new InvalidError(body.scope === 'prisoner'
      ? 'establishment is required: the hub does not know where this prisoner is held'
      : 'establishment is required at the hub for scope establishment')
  }

  /** Checks and keys a new entry without writing it: throws an InvalidError naming what is wrong. */
  function prepare (body: CreateEntryBody, actor: string, now: number): PreparedEntry {
    const prisoner = body.prisoner?.toUpperCase() ?? null
    if (body.scope === 'prisoner' && prisoner === null) throw new InvalidError('prisoner is required for scope prisoner')
    const establishment = establishmentFor(body, prisoner)
    const effectiveFrom = parseTime('effectiveFrom', body.effectiveFrom)
    const expiresAt = parseTime('expiresAt', body.expiresAt)
    if (expiresAt !== null && expiresAt <= Math.max(now, effectiveFrom ?? now)) {
      throw new InvalidError('expiresAt must be after effectiveFrom and in the future')
    }
    const addressMode = body.addressMode ?? 'whole'
    if (addressMode === 'named') {
      // Named: only mail to the protected person at these addresses is held, so the name must be readable.
      if (body.protectedPerson === undefined) throw new InvalidError('protectedPerson is required when addressMode is named')
      if (parsePersonName(body.protectedPerson) === null) throw new InvalidError('protectedPerson must name a person when addressMode is named')
      if ((body.addresses ?? []).length === 0) throw new InvalidError('addressMode named needs at least one address')
    }
    // RFC 9562 version 7: the id begins with its creation time, so a new entry's rows go at the end of
    // every index keyed by id (the entries, their details, the index load, the hub's changes) instead
    // of at a random page of each, which makes writes cheaper (docs/PERFORMANCE.md). Still a UUID, so every id pattern and every existing id holds.
    const id = timeOrderedUuid()
    const { details, warnings, rejects } = keyDetails(id, body, deps.tokens)
    if (rejects[0] !== undefined) throw new InvalidError(rejects[0].message)
    if (details.length === 0) throw new InvalidError('at least one of phones, emails, addresses is required')
    const context: TextContext = { protectedPerson: body.protectedPerson ?? null, ownPhoneKeys: ownPhoneKeys(details) }
    checkFreeText('reason', body.reason, context)
    checkFreeText('requestRef', body.requestRef, context)
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
      lift_reason: null,
      origin: 'local'
    }
    return { row, details, warnings }
  }

  const insertMany = db.transaction((prepared: PreparedEntry[]) => {
    for (const { row, details, warnings } of prepared) insertWithAudit(row, details, warnings)
  })

  return {
    /**
     * `alongside(entryId)` runs in the same transaction as the insert (a request's decision that
     * made the block): both are written, or neither.
     */
    create (body: CreateEntryBody, actor: string, alongside?: (entryId: string) => void): Entry {
      const { row, details, warnings } = prepare(body, actor, clock())
      deps.auditWriter.flush()
      insertWithAudit.immediate(row, details, warnings, alongside === undefined ? undefined : () => alongside(row.id))
      indexState.index.upsert(toIndexEntry(row, details))
      return toEntry(row, details, warnings)
    },

    prepare,

    /** Writes entries already prepared, all in ONE transaction (bulk import): all go in, or none. */
    insertPrepared (prepared: PreparedEntry[]): void {
      deps.auditWriter.flush()
      insertMany.immediate(prepared)
      for (const { row, details } of prepared) indexState.index.upsert(toIndexEntry(row, details))
    },

    /** `alongside` runs in the same transaction as the lift (a reinstatement's approval). */
    lift (id: string, reason: string, actor: string, alongside?: () => void): Entry {
      const row = entries.get(id)
      if (row === undefined) throw new NotFoundError('no entry with that id')
      if (row.origin === 'hub') throw new ConflictError('hub_entry', 'this entry comes from the national hub; lift it there')
      checkFreeText('reason', reason, { protectedPerson: row.protected_person, ownPhoneKeys: ownPhoneKeys(entries.details(id)) })
      if (row.status === 'lifted') throw new ConflictError('already_lifted', 'the entry is already lifted')
      deps.auditWriter.flush()
      if (!liftWithAudit.immediate(row, actor, clock(), reason, alongside)) {
        throw new ConflictError('already_lifted', 'the entry is already lifted')
      }
      indexState.index.remove(id)
      return get(id)
    },

    transfer (prisoner: string, to: string, actor: string): TransferReport {
      if (deps.role !== 'hub') throw new ConflictError('not_hub', 'transfers are made at the national hub')
      deps.auditWriter.flush()
      const report = transferWithAudit.immediate(prisoner.toUpperCase(), to, actor, clock())
      // The hub's own index judges establishment by the check's prisoner, not by location: nothing to move.
      return report
    },

    /** `hook` runs inside every transfer's transaction, after the entries have moved. */
    onTransfer (hook: (prisoner: string, to: string, actor: string, at: number) => void): void {
      transferHooks.push(hook)
    },

    get,

    find,

    /** `filter.reference` as typed (any case, hyphens optional): read here, a 400 when it cannot be one. */
    list (filter: EntryFilter, limit: number, offset: number) {
      const { rows, total } = entries.list({ ...filter, reference: referenceField('reference', filter.reference) }, limit, offset)
      return { items: rows.map((row) => toEntry(row, entries.details(row.id))), total, limit, offset }
    }
  }
}

export type EntriesService = ReturnType<typeof createEntriesService>
