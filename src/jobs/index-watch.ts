import type { Logger } from 'pino'
import type { Db } from '../store/db.js'
import type { IndexState } from '../services/index-state.js'

const EVERY_MS = 2000

/**
 * Another process may write the store (the import CLI, an operator's script). SQLite's
 * data_version changes when another connection commits (https://sqlite.org/pragma.html#pragma_data_version),
 * never for our own writes, which already update the index. On a change, the index is rebuilt.
 */
export function startIndexWatch (db: Db, indexState: IndexState, log: Logger): { stop: () => void } {
  let seen = db.pragma('data_version', { simple: true }) as number
  const timer = setInterval(() => {
    try {
      const now = db.pragma('data_version', { simple: true }) as number
      if (now === seen) return
      seen = now
      log.info('the store was changed by another process; reloading the index')
      indexState.load()
    } catch (err) {
      log.error({ err }, 'index watch failed')
    }
  }, EVERY_MS)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
