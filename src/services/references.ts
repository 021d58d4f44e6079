import type { Logger } from 'pino'
import type { Db } from '../store/db.js'
import type { EntriesStore } from '../store/entries-store.js'

/**
 * Gives every entry without a block reference its own, in one transaction, at start-up: the
 * entries of a store from before references (migrations/014_block_reference.sql), or rows another
 * writer inserted without one. A store where all have one costs one look-up in the reference index.
 */
export function giveReferences (db: Db, entries: EntriesStore, log: Logger): number {
  const given = db.transaction(() => entries.fillReferences()).immediate()
  if (given > 0) log.info({ entries: given }, 'block references given to entries that had none')
  return given
}
