import type { ContactKind } from './detail-keys.js'
import { parsePersonName, samePerson } from './person-name.js'
import type { PersonName } from './person-name.js'

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

/**
 * Match key -> active entries holding it. Kept in step with every write (no rebuild per write);
 * lifted entries are removed, so whatever is here blocks while in force.
 */
export function createBlockIndex () {
  const byKey = new Map<string, IndexEntry[]>()
  const byId = new Map<string, IndexEntry>()
  let version = 0

  function unlink (entry: IndexEntry): void {
    for (const key of new Set(entry.keys)) {
      const list = byKey.get(key)
      if (list === undefined) continue
      const rest = list.filter((other) => other !== entry)
      if (rest.length === 0) byKey.delete(key)
      else byKey.set(key, rest)
    }
  }

  function put (entry: IndexEntry): void {
    const old = byId.get(entry.id)
    if (old !== undefined) unlink(old)
    byId.set(entry.id, entry)
    for (const key of new Set(entry.keys)) {
      const list = byKey.get(key)
      if (list === undefined) byKey.set(key, [entry])
      else list.push(entry)
    }
  }

  return {
    get version () { return version },
    get size () { return byId.size },
    get keyCount () { return byKey.size },

    /** Loads many entries as one version step (start-up). */
    load (entries: Iterable<IndexEntry>): void {
      for (const entry of entries) put(entry)
      version++
    },

    upsert (entry: IndexEntry): void {
      put(entry)
      version++
    },

    remove (id: string): boolean {
      const old = byId.get(id)
      if (old === undefined) return false
      unlink(old)
      byId.delete(id)
      version++
      return true
    },

    has (id: string): boolean {
      return byId.has(id)
    },

    /** Entries in force for this context that hold any of the keys; one match per entry and kind. */
    lookup (keys: readonly string[], context: CheckContext): Match[] {
      const matches: Match[] = []
      const heldFor = recipientTest(context.recipient)
      for (const key of keys) {
        const list = byKey.get(key)
        if (list === undefined) continue
        const kind = kindOfKey(key)
        for (const entry of list) {
          if (!inForce(entry, context.now) || !appliesTo(entry, context)) continue
          if (matches.some((m) => m.entryId === entry.id && m.kind === kind)) continue
          if (!heldFor(entry, kind)) continue
          matches.push({ entryId: entry.id, scope: entry.scope, kind })
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
      const heldFor = recipientTest(context.recipient)
      for (const key of new Set(keys)) {
        const kind = kindOfKey(key)
        for (const entry of byKey.get(key) ?? []) {
          if (!appliesTo(entry, context)) continue
          const hit: KeyMatch = { entryId: entry.id, scope: entry.scope, kind, key, addressMode: entry.addressMode }
          if (!inForce(entry, context.now)) setAside.push({ ...hit, why: 'not_in_force' })
          else if (!heldFor(entry, kind)) setAside.push({ ...hit, why: 'recipient_differs' })
          else matches.push(hit)
        }
      }
      return { matches, setAside }
    }
  }
}

export type BlockIndex = ReturnType<typeof createBlockIndex>
