import type { Logger } from 'pino'
import { createBlockIndex } from '../domain/block-index.js'
import type { BlockIndex, IndexEntry, StoredIndexEntry } from '../domain/block-index.js'
import { isStoredInstant } from '../domain/instant.js'
import { parsePersonName } from '../domain/person-name.js'
import type { ActiveRow, EntriesStore } from '../store/entries-store.js'

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
      // Numbered on from the index it replaces, so that the version a check answers with (and
      // /healthz, /metrics) only ever goes up, across reloads after another process's writes too.
      const fresh = createBlockIndex(index.version)
      // Sized for the entries; the key table is sized by the load itself, once it has every key
      // (counting the details first would read a table holding every sealed detail).
      fresh.reserve(entries.activeCount(), 0)
      // One read transaction: the store is read in chunks, and all of them must see the same store.
      entries.snapshot(() => fresh.load(toIndexEntries(entries.activeWithKeys((entryId) => {
        log.error({ entryId, code: 'stored_value_unreadable' }, 'a named block\'s protected person cannot be read: it holds all mail to its addresses')
      }), (entryId) => {
        log.error({ entryId, code: 'stored_time_unreadable' }, 'an active entry\'s start or end is not a time: it blocks as if always in force')
      })))
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

/**
 * One entry a row, with its keys left as spans of the store's text (the index hashes them in place).
 * The same object is filled again for every row: the index copies what it keeps, so a large store
 * does not make an object and key strings a row only to drop them.
 */
function * toIndexEntries (rows: Iterable<ActiveRow>, onUnreadableTime: (entryId: string) => void): Generator<StoredIndexEntry> {
  const entry: StoredIndexEntry = { id: '', scope: 'national', prisoner: null, establishment: '', effectiveFrom: null, expiresAt: null, keys: '[]', addressMode: 'whole', protectedName: null }
  for (const row of rows) {
    entry.id = row[0]
    entry.scope = row[1]
    entry.prisoner = row[2]
    entry.establishment = row[3]
    entry.effectiveFrom = row[4]
    entry.expiresAt = row[5]
    // The index reads such a time as in force (block-index.ts fromBound, untilBound); the log says which entry.
    if ((row[4] !== null && !isStoredInstant(row[4])) || (row[5] !== null && !isStoredInstant(row[5]))) onUnreadableTime(row[0])
    entry.addressMode = row[6]
    entry.protectedName = protectedNameFor(row[6], row[7])
    entry.keys = row[8]
    yield entry
  }
}

/** The index keeps the protected person's name, as read, only where a named-mode block needs it. */
export function protectedNameFor (mode: 'whole' | 'named', person: string | null): IndexEntry['protectedName'] {
  return mode === 'named' && person !== null ? parsePersonName(person) : null
}
