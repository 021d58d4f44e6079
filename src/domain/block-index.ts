import type { ContactKind } from './detail-keys.js'
import { parsePersonName, samePerson } from './person-name.js'
import type { PersonName } from './person-name.js'
import { hash64Into, hash64RangeInto } from './key-hash64.js'

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
export type StoredIndexEntry = Omit<IndexEntry, 'keys'> & { keys: readonly string[] | string }

export interface Match { entryId: string, scope: Scope, kind: ContactKind }

/** Who is trying to make contact, when, and (for a letter) to whom it is addressed. */
export interface CheckContext { prisoner: string, establishment: string, now: number, recipient?: string | undefined }

/** For an explanation: one key of the attempt that met an entry this attempt is subject to. */
export interface KeyMatch extends Match {
  key: string
  addressMode: AddressMode
}

/** A key that met an entry which nevertheless did not block, and why. */
export interface SetAside extends KeyMatch {
  why: 'recipient_differs' | 'not_in_force'
}

/** The kind of a key from its prefix (see the normalisers: p: pd: e: e?: a: a?: sp: sn:). */
export function kindOfKey (key: string): ContactKind {
  const first = key.charCodeAt(0)
  if (first === 112 /* p */) return 'phone'
  if (first === 101 /* e */) return 'email'
  return 'address'
}

/**
 * Time is judged at the moment of the check, not when the index was built (DESIGN.md):
 * an entry blocks from effectiveFrom until expiresAt.
 */
export function inForce (entry: IndexEntry, now: number): boolean {
  return (entry.effectiveFrom === null || entry.effectiveFrom <= now) &&
    (entry.expiresAt === null || now < entry.expiresAt)
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
 * Named-person blocks: an address key of a named-mode entry blocks only mail that may be to the
 * protected person, or that names nobody (blank recipient: held, to be safe). The recipient is read
 * once per check, and only when a named-mode entry is met.
 */
function recipientTest (recipient: string | undefined): (entry: IndexEntry, kind: ContactKind) => boolean {
  let name: PersonName | null | undefined
  return (entry, kind) => {
    if (kind !== 'address' || entry.addressMode === 'whole' || entry.protectedName === null) return true
    if (name === undefined) name = recipient === undefined ? null : parsePersonName(recipient)
    return name === null || samePerson(entry.protectedName, name)
  }
}

const EMPTY = -1
const TOMBSTONE = -2
const MAX_LOAD = 0.7
const SCOPES: readonly Scope[] = ['prisoner', 'establishment', 'national']
const SCOPE_CODE: Readonly<Record<Scope, number>> = { prisoner: 0, establishment: 1, national: 2 }

/** A key table of `size` empty cells. */
function emptyCells (size: number): Int32Array {
  const cells = new Int32Array(size * 3)
  for (let i = 2; i < cells.length; i += 3) cells[i] = EMPTY
  return cells
}

/** Grows a typed array to at least `size`, keeping its contents. */
function grown<T extends Int32Array | Uint32Array | Float64Array | Uint8Array> (array: T, size: number, fill?: number): T {
  if (array.length >= size) return array
  let length = Math.max(16, array.length)
  while (length < size) length *= 2
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array)
  if (fill !== undefined) next.fill(fill, array.length)
  return next
}

let ranges = new Int32Array(64)

/**
 * The [start, end) of each key in a JSON array of keys as JSON.stringify writes it (no spaces, no
 * escapes: tokens are a letter and hex digits), into `ranges`; the number of keys, or -1 for any
 * other text, which is then left to JSON.parse. A million entries' JSON.parse made 4.7 million key
 * strings only to hash them (issue 6).
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
 * Match key -> active entries holding it, packed for the garbage collector (issue 6): a million
 * entries with millions of keys as Map<string, object[]> left the old generation with tens of
 * millions of objects to mark, and a large heap under load paused for hundreds of milliseconds.
 * Here the keys live only as 64-bit hashes in an open-addressing table of typed arrays (one cell a
 * key of an entry; linear probing; removal leaves a tombstone), and an entry's fields live in
 * typed arrays indexed by its slot. What is left on the heap is one id string an entry, and a name
 * for the few named-mode blocks. Kept in step with every write (no rebuild per write); lifted
 * entries are removed, so whatever is here blocks while in force.
 */
export function createBlockIndex () {
  // The key table: three int32 a cell, side by side so that a probe touches one cache line:
  // the two hash halves and the entry slot (EMPTY, TOMBSTONE or a slot).
  let mask = 1023
  let cells = emptyCells(mask + 1)
  let cellsUsed = 0 // live cells and tombstones: what the probes walk
  let cellsLive = 0

  // Entries by slot.
  const ids: Array<string | null> = []
  const slotOf = new Map<string, number>()
  const freeSlots: number[] = []
  let scope = new Uint8Array(16)
  let prisoner = new Int32Array(16)
  let establishment = new Int32Array(16)
  let from = new Float64Array(16)
  let until = new Float64Array(16)
  let named = new Uint8Array(16) // 1: addressMode named
  const names = new Map<number, PersonName>() // the protected person of a named entry, where readable
  // Each entry's key hashes, for removal and for rehashing: [start, count) in the key arena.
  let keyStart = new Int32Array(16)
  let keyCount = new Int32Array(16)
  let arenaHi = new Uint32Array(1024)
  let arenaLo = new Uint32Array(1024)
  let arenaUsed = 0
  let arenaLive = 0
  const prisoners = createInterner()
  const establishments = createInterner()
  let version = 0

  const hashed = new Uint32Array(2)

  function place (hi: number, lo: number, slot: number): void {
    let i = hi & mask
    while (cells[i * 3 + 2] !== EMPTY && cells[i * 3 + 2] !== TOMBSTONE) i = (i + 1) & mask
    if (cells[i * 3 + 2] === EMPTY) cellsUsed++
    cells[i * 3] = hi
    cells[i * 3 + 1] = lo
    cells[i * 3 + 2] = slot
    cellsLive++
  }

  /** A fresh table (and arena) holding only the live entries' keys: after growth, or when tombstones pile up. */
  function rebuild (keys: number): void {
    let size = 1024
    while (size * MAX_LOAD < keys * 1.5) size *= 2
    mask = size - 1
    cells = emptyCells(size)
    cellsUsed = 0
    cellsLive = 0
    const oldHi = arenaHi
    const oldLo = arenaLo
    arenaHi = new Uint32Array(Math.max(1024, keys * 1.5))
    arenaLo = new Uint32Array(arenaHi.length)
    arenaUsed = 0
    for (let slot = 0; slot < ids.length; slot++) {
      if (ids[slot] === null) continue
      const start = keyStart[slot] as number
      const count = keyCount[slot] as number
      keyStart[slot] = arenaUsed
      for (let k = start; k < start + count; k++) {
        arenaHi[arenaUsed] = oldHi[k] as number
        arenaLo[arenaUsed] = oldLo[k] as number
        arenaUsed++
        place((oldHi[k] as number) | 0, (oldLo[k] as number) | 0, slot)
      }
    }
    arenaLive = arenaUsed
  }

  function unlink (slot: number): void {
    const start = keyStart[slot] as number
    for (let k = start; k < start + (keyCount[slot] as number); k++) {
      const hi = (arenaHi[k] as number) | 0
      const lo = (arenaLo[k] as number) | 0
      let i = hi & mask
      while (cells[i * 3 + 2] !== EMPTY) {
        if (cells[i * 3 + 2] === slot && cells[i * 3] === hi && cells[i * 3 + 1] === lo) {
          cells[i * 3 + 2] = TOMBSTONE
          cellsLive--
          break
        }
        i = (i + 1) & mask
      }
    }
    arenaLive -= keyCount[slot] as number
    keyCount[slot] = 0
    slotOf.delete(ids[slot] as string)
    ids[slot] = null
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
    keyStart = grown(keyStart, size)
    keyCount = grown(keyCount, size)
  }

  function put (entry: StoredIndexEntry): void {
    // Keys as JSON text (a load from the store) are hashed by range; anything unusual is parsed.
    let keys = entry.keys
    let count = typeof keys === 'string' ? keyRanges(keys) : keys.length
    if (count < 0) {
      keys = JSON.parse(keys as string) as string[]
      count = keys.length
    }
    const old = slotOf.get(entry.id)
    if (old !== undefined) unlink(old)
    const slot = freeSlots.pop() ?? ids.length
    if (slot === ids.length) ids.push(null)
    growEntries(ids.length)
    ids[slot] = entry.id
    slotOf.set(entry.id, slot)
    scope[slot] = SCOPE_CODE[entry.scope]
    prisoner[slot] = prisoners.code(entry.prisoner)
    establishment[slot] = establishments.code(entry.establishment)
    from[slot] = entry.effectiveFrom ?? -Infinity
    until[slot] = entry.expiresAt ?? Infinity
    named[slot] = entry.addressMode === 'named' ? 1 : 0
    if (entry.addressMode === 'named' && entry.protectedName !== null) names.set(slot, entry.protectedName)
    // Room for the keys in the arena and the table; rebuild when tombstones or growth call for it.
    if (arenaUsed + count > arenaHi.length) {
      if (arenaLive + count < arenaHi.length / 2) rebuild(arenaLive + count)
      arenaHi = grown(arenaHi, arenaUsed + count)
      arenaLo = grown(arenaLo, arenaUsed + count)
    }
    if ((cellsUsed + count) > (mask + 1) * MAX_LOAD) rebuild(cellsLive + count)
    keyStart[slot] = arenaUsed
    keyCount[slot] = count
    for (let k = 0; k < count; k++) {
      if (typeof keys === 'string') hash64RangeInto(keys, ranges[k * 2] as number, ranges[k * 2 + 1] as number, hashed)
      else hash64Into(keys[k] as string, hashed)
      arenaHi[arenaUsed] = hashed[0] as number
      arenaLo[arenaUsed] = hashed[1] as number
      arenaUsed++
      place((hashed[0] as number) | 0, (hashed[1] as number) | 0, slot)
    }
    arenaLive += count
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
  function heldForSlot (recipient: string | undefined) {
    let test: ReturnType<typeof recipientTest> | undefined
    return (slot: number, kind: ContactKind): boolean => {
      if (named[slot] === 0 || kind !== 'address') return true
      test ??= recipientTest(recipient)
      return test({ addressMode: 'named', protectedName: names.get(slot) ?? null } as IndexEntry, kind)
    }
  }

  /** Every slot whose key has this hash, in probe order. */
  function * slotsFor (key: string): Generator<number> {
    hash64Into(key, hashed)
    const hi = (hashed[0] as number) | 0
    const lo = (hashed[1] as number) | 0
    let i = hi & mask
    while (cells[i * 3 + 2] !== EMPTY) {
      const slot = cells[i * 3 + 2] as number
      if (slot >= 0 && cells[i * 3] === hi && cells[i * 3 + 1] === lo) yield slot
      i = (i + 1) & mask
    }
  }

  /** The context's codes, without interning anything new (an unknown code matches nothing). */
  function codes (context: CheckContext): { prisonerCode: number, establishmentCode: number } {
    return { prisonerCode: prisoners.known(context.prisoner), establishmentCode: establishments.known(context.establishment) }
  }

  return {
    get version () { return version },
    get size () { return slotOf.size },
    get keyCount () { return cellsLive },

    /** Sizes the table and arrays for this many entries and keys, so that a large load does not rehash as it grows. */
    reserve (entries: number, keys: number): void {
      if ((mask + 1) * MAX_LOAD < keys) rebuild(Math.max(keys, cellsLive))
      growEntries(Math.max(ids.length, entries))
    },

    /** Loads many entries as one version step (start-up); each entry object may be reused once put. */
    load (entries: Iterable<StoredIndexEntry>): void {
      for (const entry of entries) put(entry)
      version++
    },

    upsert (entry: IndexEntry): void {
      put(entry)
      version++
    },

    remove (id: string): boolean {
      const slot = slotOf.get(id)
      if (slot === undefined) return false
      unlink(slot)
      version++
      return true
    },

    has (id: string): boolean {
      return slotOf.has(id)
    },

    /** Entries in force for this context that hold any of the keys; one match per entry and kind. */
    lookup (keys: readonly string[], context: CheckContext): Match[] {
      const matches: Match[] = []
      const { prisonerCode, establishmentCode } = codes(context)
      const heldFor = heldForSlot(context.recipient)
      for (const key of keys) {
        const kind = kindOfKey(key)
        for (const slot of slotsFor(key)) {
          if (!inForceAt(slot, context.now) || !appliesAt(slot, prisonerCode, establishmentCode)) continue
          const id = ids[slot] as string
          if (matches.some((m) => m.entryId === id && m.kind === kind)) continue
          if (!heldFor(slot, kind)) continue
          matches.push({ entryId: id, scope: SCOPES[scope[slot] as number] as Scope, kind })
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
      const heldFor = heldForSlot(context.recipient)
      for (const key of new Set(keys)) {
        const kind = kindOfKey(key)
        for (const slot of new Set(slotsFor(key))) {
          if (!appliesAt(slot, prisonerCode, establishmentCode)) continue
          const hit: KeyMatch = { entryId: ids[slot] as string, scope: SCOPES[scope[slot] as number] as Scope, kind, key, addressMode: named[slot] === 1 ? 'named' : 'whole' }
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
