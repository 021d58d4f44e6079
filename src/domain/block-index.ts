import type { ContactKind } from './detail-keys.js'
import { parsePersonName, samePerson } from './person-name.js'
import type { PersonName } from './person-name.js'
import { hash64Into, hash64RangeInto } from './key-hash64.js'
import { isStoredInstant } from './instant.js'
import { EMPTY, MAX_LOAD, TOMBSTONE, createKeyTable, grown, tableSize } from './key-table.js'

export type Scope = 'prisoner' | 'establishment' | 'national'

/** `whole`: the entry's addresses block all mail there; `named`: only mail that may be to its protected person. */
export type AddressMode = 'whole' | 'named'

/** What the index keeps of an active entry: enough to decide, nothing to leak. */
export interface IndexEntry {
  id: string
  scope: Scope
  prisoner: string | null
  establishment: string
  /** epoch ms; null = always */
  effectiveFrom: number | null
  /** epoch ms; null = never */
  expiresAt: number | null
  /** every store key of every detail of the entry */
  keys: readonly string[]
  addressMode: AddressMode
  /** the protected person's name as read (never the text): what a named-mode address is held for */
  protectedName: PersonName | null
}

/**
 * An entry as the index loads it from the store: its keys may still be the JSON text the store
 * holds (an array of key strings), read by range without parsing (see keyRanges).
 */
export type StoredIndexEntry = Omit<IndexEntry, 'keys'> & { keys: readonly string[] | string | KeySpans }

/**
 * Keys as spans of one text that holds many (a chunk of the store's rows): key i is
 * text.slice(spans[2i], spans[2i + 1]), for i from `first`, `count` of them. The index hashes them
 * in place; none of these strings is ever made.
 */
export interface KeySpans { text: string, spans: Int32Array, first: number, count: number }

function isKeySpans (keys: StoredIndexEntry['keys']): keys is KeySpans {
  return typeof keys === 'object' && !Array.isArray(keys)
}

/** `exact`: a key of the detail itself met; `probable`: only a probable key met (key-hash.ts, PROBABLE). */
export type Strength = 'exact' | 'probable'

export interface Match { entryId: string, scope: Scope, kind: ContactKind, strength: Strength }

/** Who is trying to make contact, when, and (for a letter) to whom it is addressed. */
/** Names an envelope's address lines hold: `named` lines address a person (Mrs, c/o, FAO ...), `possible` lines may name one. */
export interface AddressNames { named: readonly string[], possible: readonly string[] }

/**
 * Who is trying to make contact, when, and (for a letter) to whom it is addressed: the recipient
 * field and the names written in the address, read only when a named-person block is met.
 */
export interface CheckContext {
  prisoner: string
  establishment: string
  now: number
  recipient?: string | undefined
  addressNames?: (() => AddressNames) | undefined
}

/** For an explanation: one key of the attempt that met an entry this attempt is subject to. */
export interface KeyMatch extends Match {
  key: string
  addressMode: AddressMode
}

/** A key that met an entry which nevertheless did not block, and why. */
export interface SetAside extends KeyMatch {
  why: 'recipient_differs' | 'not_in_force'
}

/**
 * The kind of a key from its prefix (see the normalisers: p: pd: e: e?: a: a?: sp: sn:), or of a
 * token from its letter (p, e, a; upper case for a probable key); a probable key `~x:` is of kind x.
 */
export function kindOfKey (key: string): ContactKind {
  let first = key.charCodeAt(0)
  if (first === 126 /* ~ */) first = key.charCodeAt(1)
  first |= 0x20 // lower case
  if (first === 112 /* p */) return 'phone'
  if (first === 101 /* e */) return 'email'
  return 'address'
}

/** A token in upper case, or a key marked `~`, is probable (key-hash.ts, PROBABLE). */
export function strengthOfKey (key: string): Strength {
  const first = key.charCodeAt(0)
  return first === 126 /* ~ */ || (first >= 65 && first <= 90) ? 'probable' : 'exact'
}

/**
 * An entry's start as the index compares it: none, or one that is not a time (NaN, infinity, text
 * in the store's column), is minus infinity, so the entry is in force. A time that cannot be read
 * never lifts a block (fail closed).
 */
export const fromBound = (effectiveFrom: unknown): number => (isStoredInstant(effectiveFrom) ? effectiveFrom : -Infinity)

/** An entry's end as the index compares it: none, or one that is not a time, is infinity (in force). */
export const untilBound = (expiresAt: unknown): number => (isStoredInstant(expiresAt) ? expiresAt : Infinity)

/**
 * Time is judged at the moment of the check, not when the index was built (docs/MATCHING.md):
 * an entry blocks from effectiveFrom until expiresAt.
 */
export function inForce (entry: IndexEntry, now: number): boolean {
  return fromBound(entry.effectiveFrom) <= now && now < untilBound(entry.expiresAt)
}

/** prisoner: that prisoner only; establishment: every prisoner there; national: everyone. */
export function appliesTo (entry: IndexEntry, context: CheckContext): boolean {
  switch (entry.scope) {
    case 'national': return true
    case 'establishment': return entry.establishment === context.establishment
    case 'prisoner': return entry.prisoner === context.prisoner
  }
}

/**
 * The people a letter names: the recipient and the address's person lines; and the lines that may
 * name one. `everyone` when the recipient field is filled in but names no one (The Occupier, To
 * whom it may concern): the letter is to whoever lives there.
 */
function readNames (recipient: string | undefined, addressNames: (() => AddressNames) | undefined): { named: PersonName[], possible: PersonName[], everyone: boolean } {
  const people = (texts: readonly string[]) => texts.map(parsePersonName).filter((name): name is PersonName => name !== null)
  const toRecipient = recipient === undefined ? null : parsePersonName(recipient)
  if (recipient !== undefined && recipient.trim() !== '' && toRecipient === null) return { named: [], possible: [], everyone: true }
  const lines = addressNames?.() ?? { named: [], possible: [] }
  return { named: [...(toRecipient === null ? [] : [toRecipient]), ...people(lines.named)], possible: people(lines.possible), everyone: false }
}

/**
 * Named-person blocks: an address key of a named-mode entry blocks only mail that may be to the
 * protected person, or that names nobody (no recipient and no person line in the address: held, to
 * be safe). Anyone the letter names, in the recipient field or in the address (Mrs J Doe, c/o ...),
 * and any line of the address that may be a name, can make it the protected person's. The names are
 * read once per check, and only when a named-mode entry is met.
 */
function recipientTest (recipient: string | undefined, addressNames?: () => AddressNames): (entry: IndexEntry, kind: ContactKind) => boolean {
  let names: ReturnType<typeof readNames> | undefined
  return (entry, kind) => {
    const person = entry.protectedName
    if (kind !== 'address' || entry.addressMode === 'whole' || person === null) return true
    names ??= readNames(recipient, addressNames)
    if (names.everyone || names.named.length === 0) return true
    return names.named.some((name) => samePerson(person, name)) || names.possible.some((name) => samePerson(person, name))
  }
}

const SCOPES: readonly Scope[] = ['prisoner', 'establishment', 'national']
const SCOPE_CODE: Readonly<Record<Scope, number>> = { prisoner: 0, establishment: 1, national: 2 }

/** An id table of `size` empty cells (two int32 a cell: the id's hash and its slot). */
function emptyIdCells (size: number): Int32Array {
  const cells = new Int32Array(size * 2)
  for (let i = 1; i < cells.length; i += 2) cells[i] = EMPTY
  return cells
}

let ranges = new Int32Array(64)

/**
 * The [start, end) of each key in a JSON array of keys as JSON.stringify writes it (no spaces, no
 * escapes: tokens are a letter and hex digits), into `ranges`; the number of keys, or -1 for any
 * other text, which is then left to JSON.parse. JSON.parse would make a string of every key only
 * for it to be hashed.
 */
function keyRanges (json: string): number {
  const end = json.length - 1
  if (end < 1 || json.charCodeAt(0) !== 91 /* [ */ || json.charCodeAt(end) !== 93 /* ] */) return -1
  let count = 0
  let i = 1
  while (i < end) {
    if (json.charCodeAt(i) !== 34 /* " */) return -1
    const start = i + 1
    let close = start
    for (;;) {
      if (close >= end) return -1
      const c = json.charCodeAt(close)
      if (c === 34) break
      if (c === 92 /* \ */ || c < 32) return -1
      close++
    }
    if (count * 2 + 2 > ranges.length) ranges = grown(ranges, count * 2 + 2)
    ranges[count * 2] = start
    ranges[count * 2 + 1] = close
    count++
    i = close + 1
    if (i < end) {
      if (json.charCodeAt(i) !== 44 /* , */ || i + 1 >= end) return -1
      i++
    }
  }
  return count
}

/**
 * Short codes (prisoner numbers, establishment codes) as numbers, so that entries hold no strings.
 * `code` interns; `known` only looks up (a check must not grow the table), -2 for an unknown code.
 */
function createInterner () {
  const codes = new Map<string, number>()
  return {
    code (text: string | null): number {
      if (text === null) return -1
      let code = codes.get(text)
      if (code === undefined) {
        code = codes.size
        codes.set(text, code)
      }
      return code
    },
    known (text: string): number {
      return codes.get(text) ?? -2
    }
  }
}

/**
 * Match key -> active entries holding it, packed for the garbage collector: the keys live only as
 * 64-bit hashes in the key table (key-table.ts), and an entry's fields live in typed arrays indexed
 * by its slot. What is left on the heap is one id string an entry, and a name
 * for the few named-mode blocks. Kept in step with every write (no rebuild per write); lifted
 * entries are removed, so whatever is here blocks while in force.
 */
export function createBlockIndex (startVersion = 0) {
  // Entries by slot.
  const ids: Array<string | null> = []
  const freeSlots: number[] = []
  let capacity = 16 // of every per-slot array
  let scope = new Uint8Array(capacity)
  let prisoner = new Int32Array(capacity)
  let establishment = new Int32Array(capacity)
  let from = new Float64Array(capacity)
  let until = new Float64Array(capacity)
  let named = new Uint8Array(capacity) // 1: addressMode named
  const names = new Map<number, PersonName>() // the protected person of a named entry, where readable
  // Each entry's key hashes, in the table and in its arena, by slot.
  const table = createKeyTable(() => ids.length, (slot) => ids[slot] !== null, capacity)
  const prisoners = createInterner()
  const establishments = createInterner()
  // A rebuilt index goes on from the one it replaces (index-state.ts): indexVersion never goes back.
  let version = startVersion

  // Entry id -> slot, packed too (a Map of a million id strings costs much of a load's time in
  // hashing and growth, and is a million more things on the heap): an open-addressing table of
  // two int32 a cell, a 32-bit hash of the id and the slot; the id itself is compared in `ids`.
  let idMask = tableSize(0) - 1
  let idCells = emptyIdCells(idMask + 1)
  let idUsed = 0 // live cells and tombstones
  let entryCount = 0
  let idHashOf = new Int32Array(capacity) // the id hash of each slot, for removal and rehashing

  const hashed = new Uint32Array(2)
  const idHashed = new Uint32Array(2)

  function idHash (id: string): number {
    hash64Into(id, idHashed)
    return (idHashed[0] as number) | 0
  }

  /** The slot of an id, or -1. */
  function slotOf (id: string): number {
    const h = idHash(id)
    let i = h & idMask
    for (;;) {
      const slot = idCells[i * 2 + 1] as number
      if (slot === EMPTY) return -1
      if (slot >= 0 && idCells[i * 2] === h && ids[slot] === id) return slot
      i = (i + 1) & idMask
    }
  }

  function idPlace (h: number, slot: number): void {
    let i = h & idMask
    while ((idCells[i * 2 + 1] as number) >= 0) i = (i + 1) & idMask
    if (idCells[i * 2 + 1] === EMPTY) idUsed++
    idCells[i * 2] = h
    idCells[i * 2 + 1] = slot
  }

  function idUnplace (slot: number): void {
    const h = idHashOf[slot] as number
    let i = h & idMask
    while (idCells[i * 2 + 1] !== slot) i = (i + 1) & idMask
    idCells[i * 2 + 1] = TOMBSTONE
  }

  /** A fresh id table for at least `count` entries, holding the live ones. */
  function idRebuild (count: number): void {
    const size = tableSize(count)
    idMask = size - 1
    idCells = emptyIdCells(size)
    idUsed = 0
    for (let slot = 0; slot < ids.length; slot++) if (ids[slot] !== null) idPlace(idHashOf[slot] as number, slot)
  }

  /** Registers a new entry's id in a slot (a free one, or a new one). */
  function addId (id: string, h: number): number {
    if (idUsed + 1 > (idMask + 1) * MAX_LOAD) idRebuild(entryCount + 1)
    const slot = freeSlots.pop() ?? ids.length
    if (slot === ids.length) {
      ids.push(null)
      if (slot >= capacity) growEntries(slot + 1)
    }
    ids[slot] = id
    idHashOf[slot] = h
    idPlace(h, slot)
    entryCount++
    return slot
  }

  function unlink (slot: number): void {
    table.removeSlot(slot)
    idUnplace(slot)
    ids[slot] = null
    entryCount--
    names.delete(slot)
    freeSlots.push(slot)
  }

  /** Room in every per-entry array for `size` slots. */
  function growEntries (size: number): void {
    scope = grown(scope, size)
    prisoner = grown(prisoner, size)
    establishment = grown(establishment, size)
    from = grown(from, size)
    until = grown(until, size)
    named = grown(named, size)
    table.growSlots(size)
    idHashOf = grown(idHashOf, size)
    capacity = scope.length
  }

  /**
   * An entry's fields into a new slot and its key hashes onto the end of the arena; the keys are
   * not placed in the table (put and load do that). An entry already here is unlinked first.
   */
  function store (entry: StoredIndexEntry): number {
    // Keys as text (a load from the store) are hashed by range; anything unusual is parsed.
    let keys = entry.keys
    let text = ''
    let spans: Int32Array = ranges
    let first = 0
    let count: number
    if (typeof keys === 'string') {
      count = keyRanges(keys)
      if (count < 0) {
        keys = JSON.parse(keys) as string[]
        count = keys.length
      } else {
        text = keys
        spans = ranges
      }
    } else if (isKeySpans(keys)) {
      text = keys.text
      spans = keys.spans
      first = keys.first
      count = keys.count
    } else {
      count = keys.length
    }
    const h = idHash(entry.id)
    if (entryCount > 0) {
      const old = slotOf(entry.id)
      if (old >= 0) unlink(old)
    }
    const slot = addId(entry.id, h)
    scope[slot] = SCOPE_CODE[entry.scope]
    prisoner[slot] = prisoners.code(entry.prisoner)
    establishment[slot] = establishments.code(entry.establishment)
    from[slot] = fromBound(entry.effectiveFrom)
    until[slot] = untilBound(entry.expiresAt)
    named[slot] = entry.addressMode === 'named' ? 1 : 0
    if (entry.addressMode === 'named' && entry.protectedName !== null) names.set(slot, entry.protectedName)
    table.beginKeys(slot, count)
    if (typeof keys === 'string' || isKeySpans(keys)) {
      for (let k = first; k < first + count; k++) {
        hash64RangeInto(text, spans[k * 2] as number, spans[k * 2 + 1] as number, hashed)
        table.addKey(hashed[0] as number, hashed[1] as number)
      }
    } else {
      for (let k = 0; k < count; k++) {
        hash64Into(keys[k] as string, hashed)
        table.addKey(hashed[0] as number, hashed[1] as number)
      }
    }
    return slot
  }

  /** Stores an entry and places its keys after every other entry's, in a table with room for them. */
  function put (entry: StoredIndexEntry): void {
    table.placeSlot(store(entry))
  }

  /**
   * A load into an empty index: every entry stored first, then the table sized once for all their
   * keys and filled by placeAll. An id met twice ends the bulk part: what is stored so far is placed,
   * and the rest goes through put, as it would have one by one.
   */
  function bulkLoad (entries: Iterable<StoredIndexEntry>): void {
    let bulk = true
    const finish = () => {
      if (!bulk) return
      bulk = false
      // The arena holds just the stored entries' keys, in slot order: only the table is new.
      table.placeAllFresh()
    }
    try {
      for (const entry of entries) {
        if (bulk && slotOf(entry.id) < 0) store(entry)
        else {
          finish()
          put(entry)
        }
      }
    } finally {
      finish()
    }
  }

  function inForceAt (slot: number, now: number): boolean {
    return (from[slot] as number) <= now && now < (until[slot] as number)
  }

  function appliesAt (slot: number, prisonerCode: number, establishmentCode: number): boolean {
    switch (scope[slot]) {
      case 2: return true
      case 1: return establishment[slot] === establishmentCode
      default: return prisoner[slot] === prisonerCode
    }
  }

  /** The recipient test of recipientTest, on slots: only a named entry's address keys ask it. */
  function heldForSlot (context: CheckContext) {
    let test: ReturnType<typeof recipientTest> | undefined
    return (slot: number, kind: ContactKind): boolean => {
      if (named[slot] === 0 || kind !== 'address') return true
      test ??= recipientTest(context.recipient, context.addressNames)
      return test({ addressMode: 'named', protectedName: names.get(slot) ?? null } as IndexEntry, kind)
    }
  }

  /** Starts the table's probe cursor at this key's hash; table.table.nextSlot() then gives its slots in probe order. */
  function probe (key: string): void {
    hash64Into(key, hashed)
    table.probe((hashed[0] as number) | 0, (hashed[1] as number) | 0)
  }
  /** Every slot whose key has this hash, in probe order. */
  function slotsFor (key: string): number[] {
    const slots: number[] = []
    probe(key)
    for (let slot = table.nextSlot(); slot >= 0; slot = table.nextSlot()) slots.push(slot)
    return slots
  }

  /** The context's codes, without interning anything new (an unknown code matches nothing). */
  function codes (context: CheckContext): { prisonerCode: number, establishmentCode: number } {
    return { prisonerCode: prisoners.known(context.prisoner), establishmentCode: establishments.known(context.establishment) }
  }

  return {
    get version () { return version },
    get size () { return entryCount },
    get keyCount () { return table.keyCount },

    /** Sizes the per-entry arrays and the id table for this many entries, and the key arena for this many keys (load sizes the table itself). */
    reserve (entries: number, keys: number): void {
      if (entries > capacity) growEntries(entries)
      if ((idMask + 1) * MAX_LOAD < entries * 1.5) idRebuild(Math.max(entries, entryCount))
      table.reserveKeys(keys)
    },

    /** Loads many entries as one version step (start-up); each entry object may be reused once put. */
    load (entries: Iterable<StoredIndexEntry>): void {
      if (entryCount === 0) bulkLoad(entries)
      else for (const entry of entries) put(entry)
      version++
    },

    upsert (entry: IndexEntry): void {
      put(entry)
      version++
    },

    remove (id: string): boolean {
      const slot = entryCount > 0 ? slotOf(id) : -1
      if (slot < 0) return false
      unlink(slot)
      version++
      return true
    },

    has (id: string): boolean {
      return entryCount > 0 && slotOf(id) >= 0
    },

    /** Whether any entry, in force or not, holds this key (a hash collision answers yes: the safe side). */
    holds (key: string): boolean {
      probe(key)
      return table.nextSlot() >= 0
    },

    /**
     * Entries in force for this context that hold any of the keys; one match per entry and kind.
     * With `others`, the ids of prisoner-scope entries in force for another prisoner that hold one
     * of the keys are pushed to it (one prisoner trying another's blocked detail: docs/ALERTS.md).
     */
    lookup (keys: readonly string[], context: CheckContext, others?: string[]): Match[] {
      const matches: Match[] = []
      const { prisonerCode, establishmentCode } = codes(context)
      const heldFor = heldForSlot(context)
      for (const key of keys) {
        const kind = kindOfKey(key)
        const strength = strengthOfKey(key)
        probe(key)
        for (let slot = table.nextSlot(); slot >= 0; slot = table.nextSlot()) {
          if (!inForceAt(slot, context.now)) continue
          if (!appliesAt(slot, prisonerCode, establishmentCode)) {
            if (others !== undefined && scope[slot] === 0 && !others.includes(ids[slot] as string)) others.push(ids[slot] as string)
            continue
          }
          const id = ids[slot] as string
          const met = matches.find((m) => m.entryId === id && m.kind === kind)
          if (met !== undefined && (met.strength === 'exact' || strength === 'probable')) continue
          if (!heldFor(slot, kind)) continue
          // an exact key met after a probable one makes the match exact
          if (met !== undefined) met.strength = 'exact'
          else matches.push({ entryId: id, scope: SCOPES[scope[slot] as number] as Scope, kind, strength })
        }
      }
      return matches
    },

    /**
     * For a SPOC asking why: every key that met an entry this attempt is subject to (by scope), and
     * the ones that met but did not block (not in force now, or a named block for someone else).
     * Entries for other prisoners or establishments are left out: they say nothing about this attempt.
     */
    explain (keys: readonly string[], context: CheckContext): { matches: KeyMatch[], setAside: SetAside[] } {
      const matches: KeyMatch[] = []
      const setAside: SetAside[] = []
      const { prisonerCode, establishmentCode } = codes(context)
      const heldFor = heldForSlot(context)
      for (const key of new Set(keys)) {
        const kind = kindOfKey(key)
        for (const slot of new Set(slotsFor(key))) {
          if (!appliesAt(slot, prisonerCode, establishmentCode)) continue
          const hit: KeyMatch = { entryId: ids[slot] as string, scope: SCOPES[scope[slot] as number] as Scope, kind, strength: strengthOfKey(key), key, addressMode: named[slot] === 1 ? 'named' : 'whole' }
          if (!inForceAt(slot, context.now)) setAside.push({ ...hit, why: 'not_in_force' })
          else if (!heldFor(slot, kind)) setAside.push({ ...hit, why: 'recipient_differs' })
          else matches.push(hit)
        }
      }
      return { matches, setAside }
    }
  }
}

export type BlockIndex = ReturnType<typeof createBlockIndex>
