import type { Logger } from 'pino'
import { createBlockIndex } from '../domain/block-index.js'
import type { BlockIndex, IndexEntry } from '../domain/block-index.js'
import { parsePersonName } from '../domain/person-name.js'
import type { ActiveDetailRow, EntriesStore } from '../store/entries-store.js'

/**
 * Holds the live index and whether it may be trusted. Until a load succeeds the daemon is unready
 * and every check answers 503 unavailable, never allow.
 */
export function createIndexState (entries: EntriesStore, log: Logger, clock: () => number) {
  let index: BlockIndex = createBlockIndex()
  let ready = false
  let loadedAt: number | null = null

  /** Builds a fresh index from the store and swaps it in; false (and unready) on failure. */
  function load (): boolean {
    try {
      const fresh = createBlockIndex()
      fresh.load(groupByEntry(entries.activeWithKeys()))
      index = fresh
      ready = true
      loadedAt = clock()
      log.info({ entries: fresh.size, keys: fresh.keyCount }, 'index loaded')
      return true
    } catch (err) {
      ready = false
      log.error({ err }, 'index load failed; checks answer unavailable')
      return false
    }
  }

  return {
    get index () { return index },
    get ready () { return ready },
    get loadedAt () { return loadedAt },
    load
  }
}

export type IndexState = ReturnType<typeof createIndexState>

/** Rows come one per detail, ordered by entry id: fold them into one IndexEntry each. */
function * groupByEntry (rows: Iterable<ActiveDetailRow>): Generator<IndexEntry> {
  let current: (IndexEntry & { keys: string[] }) | null = null
  for (const row of rows) {
    if (current === null || current.id !== row.id) {
      if (current !== null) yield current
      current = {
        id: row.id,
        scope: row.scope,
        prisoner: row.prisoner,
        establishment: row.establishment,
        effectiveFrom: row.effective_from,
        expiresAt: row.expires_at,
        keys: [],
        addressMode: row.address_mode,
        protectedName: protectedNameFor(row.address_mode, row.protected_person)
      }
    }
    current.keys.push(...(JSON.parse(row.match_keys) as string[]))
  }
  if (current !== null) yield current
}

/** The index keeps the protected person's name, as read, only where a named-mode block needs it. */
export function protectedNameFor (mode: 'whole' | 'named', person: string | null): IndexEntry['protectedName'] {
  return mode === 'named' && person !== null ? parsePersonName(person) : null
}
