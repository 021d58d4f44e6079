import type { Logger } from 'pino'
import type { AuditRecord } from './store.js'
import type { AuditStore } from './store.js'
import { WRITE_EVERY_MS, createAuditQueue } from './queue.js'
import type { AuditItem } from './queue.js'
import { logLineOf } from './check-record.js'
import type { CheckRecord } from './check-record.js'

/**
 * Check decisions are audited in batches, one transaction per flush, so that a check never waits
 * for a disk write. Admin writes do not come through here: they audit inside their own transaction.
 */
export function createAuditWriter (store: AuditStore, log: Logger): AuditWriter {
  const queue = createAuditQueue<AuditItem>(log)

  function flush (): void {
    if (queue.length === 0) return
    const batch = queue.take()
    try {
      store.appendBatch(batch)
    } catch (err) {
      // Keep the records for the next flush rather than lose them; the queue's cap bounds memory.
      queue.putBack(batch)
      log.error({ err, queued: queue.length }, 'audit flush failed; will retry')
    }
  }

  const timer = setInterval(flush, WRITE_EVERY_MS)
  timer.unref()

  return {
    later (record: AuditRecord): void {
      if (queue.push(record)) flush()
    },
    /** A check decision: its log line now, its audit row with the next batch. */
    check (record: CheckRecord): void {
      logLineOf(record, log)
      if (record[7] && queue.push(record)) flush()
    },
    flush,
    /** records waiting for the next flush (for GET /metrics) */
    get queued (): number { return queue.length },
    close (): void {
      clearInterval(timer)
      writeAtStop(store, log, queue.take())
    }
  }
}

/**
 * What is left to write at a stop, written once and in one transaction: each check's log line (when
 * it has one) now, every row in one batch. What the store refuses now is lost, and the log says how
 * many; nothing is thrown at a stop.
 */
export function writeAtStop (store: AuditStore, log: Logger, items: readonly AuditItem[]): void {
  const rows: AuditItem[] = []
  for (const item of items) {
    if (!Array.isArray(item)) {
      rows.push(item)
      continue
    }
    logLineOf(item, log)
    if (item[7]) rows.push(item)
  }
  if (rows.length === 0) return
  try {
    store.appendBatch(rows)
  } catch (err) {
    // A store that cannot be written (a full or read-only disk, a lock held past the busy timeout).
    log.error({ err, lost: rows.length }, 'audit records could not be written before the stop')
  }
}

export interface AuditWriter {
  /** queues an audit row, written with the next batch */
  later: (record: AuditRecord) => void
  /** queues a check decision: its audit row (when audited) and its log line (when it has one) */
  check: (record: CheckRecord) => void
  /** writes what is queued; when it returns, every row queued before is in the store */
  flush: () => void
  /** rows not yet known to be in the store (for GET /metrics) */
  readonly queued: number
  close: () => void
}
