import type { Logger } from 'pino'
import type { Db } from '../store/db.js'
import { createForeignEntryWrites } from '../store/entries-generation.js'
import type { IndexState } from '../services/index-state.js'

const EVERY_MS = 2000

/**
 * Another process may write the store (the import CLI, an operator's script). SQLite's
 * data_version changes when another connection commits (https://sqlite.org/pragma.html#pragma_data_version),
 * never for our own writes, which already update the index. But the audit thread's connection
 * (src/audit/thread.ts) is another connection too, and under load it commits every 200 ms;
 * a rebuild of a million entries takes seconds. So a change of data_version is only a reason to
 * look: the index is rebuilt when another connection has written an entry (store/entries-generation.ts).
 */
export function startIndexWatch (db: Db, indexState: IndexState, log: Logger): { stop: () => void } {
  const foreignWrites = createForeignEntryWrites(db)
  let seen = db.pragma('data_version', { simple: true }) as number
  let foreign = foreignWrites()
  const timer = setInterval(() => {
    try {
      const now = db.pragma('data_version', { simple: true }) as number
      if (now === seen) return
      seen = now
      const written = foreignWrites()
      if (written === foreign) return
      foreign = written
      log.info('the store was changed by another process; reloading the index')
      indexState.load()
    } catch (err) {
      log.error({ err }, 'index watch failed')
    }
  }, EVERY_MS)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
