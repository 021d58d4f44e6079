/**
 * The worker thread behind a sync run's checkpoints (sync-checkpointer.ts): with its own connection
 * to the store it copies the WAL back into the database file every few milliseconds, so that the
 * event loop's connection, which writes the feed's entries, never has to. SQLite's automatic
 * checkpoint runs inside a committing transaction and would hold the event loop, and every check
 * waiting on it, for its writes and fsyncs (docs/PERFORMANCE.md).
 *
 * PASSIVE: the checkpoint neither waits for nor blocks the writer or any reader; it copies what it
 * can (https://sqlite.org/pragma.html#pragma_wal_checkpoint), and the next round copies the rest.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../store/db.js'

export type ToCheckpointThread = { stop: true }

const EVERY_MS = 20

function run (): void {
  const port = parentPort
  const data = workerData as { syncCheckpointThread?: true, file: string } | null
  // Imported by the checkpointer for its types: only a thread it started runs.
  if (port === null || data?.syncCheckpointThread !== true) return
  const db = openDatabase(data.file)
  // This connection writes nothing itself; should it ever, it does not checkpoint on its own.
  db.pragma('wal_autocheckpoint = 0')
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch {
      // A busy or failing store: the next round tries again, and the writer's own connection
      // still checkpoints once the WAL has grown far (sync-checkpointer.ts).
    }
  }, EVERY_MS)
  port.on('message', (message: ToCheckpointThread) => {
    if (!('stop' in message)) return
    clearInterval(timer)
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch { /* as above */ }
    db.close()
    port.close()
  })
}

run()
