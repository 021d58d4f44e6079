import type { Logger } from 'pino'
import type { AuditItem } from './store.js'

/** What waits to be written: an audit row, or a check decision (its row and its log line). */
export type { AuditItem }

/** How often, and at how many records, the queued check records are written (or handed over). */
export const WRITE_EVERY_MS = 200
export const WRITE_AT = 500
const MAX_QUEUED = 100_000

/**
 * The check records not yet written, for both audit writers. Bounded: while the store cannot be
 * written (a full disk) records wait up to MAX_QUEUED, then new ones are dropped and the log says
 * so every thousand, rather than memory growing until the daemon dies with all of them.
 */
export function createAuditQueue<T = AuditItem> (log: Logger) {
  let items: T[] = []
  let dropped = 0
  return {
    /** Queues a record; true once there are enough to write now. */
    push (record: T): boolean {
      if (items.length >= MAX_QUEUED) {
        dropped++
        if (dropped % 1000 === 1) log.error({ dropped }, 'audit queue full; check records dropped')
        return false
      }
      items.push(record)
      return items.length >= WRITE_AT
    },
    /** Everything queued, in order; the queue is empty after. */
    take (): T[] {
      const out = items
      items = []
      return out
    },
    /** Records a write failed on, back at the front. */
    putBack (records: T[]): void {
      items = records.concat(items)
    },
    get length (): number { return items.length }
  }
}
