import type { Logger } from 'pino'
import type { AuditRecord, AuditStore } from '../store/audit-store.js'

const FLUSH_EVERY_MS = 200
const FLUSH_AT = 500
const MAX_QUEUED = 100_000

/**
 * Check decisions are audited in batches, one transaction per flush, so that a check never waits
 * for a disk write. Admin writes do not come through here: they audit inside their own transaction.
 */
export function createAuditWriter (store: AuditStore, log: Logger) {
  let queue: AuditRecord[] = []
  let dropped = 0

  function flush (): void {
    if (queue.length === 0) return
    const batch = queue
    queue = []
    try {
      store.appendBatch(batch)
    } catch (err) {
      // Keep the records for the next flush rather than lose them; the cap below bounds memory.
      queue = batch.concat(queue)
      log.error({ err, queued: queue.length }, 'audit flush failed; will retry')
    }
  }

  const timer = setInterval(flush, FLUSH_EVERY_MS)
  timer.unref()

  return {
    later (record: AuditRecord): void {
      if (queue.length >= MAX_QUEUED) {
        dropped++
        if (dropped % 1000 === 1) log.error({ dropped }, 'audit queue full; check records dropped')
        return
      }
      queue.push(record)
      if (queue.length >= FLUSH_AT) flush()
    },
    flush,
    /** records waiting for the next flush (for GET /metrics) */
    get queued (): number { return queue.length },
    close (): void {
      clearInterval(timer)
      flush()
    }
  }
}

export type AuditWriter = ReturnType<typeof createAuditWriter>
