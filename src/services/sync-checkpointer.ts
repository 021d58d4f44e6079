import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { Db } from '../store/db.js'
import type { ToCheckpointThread } from './sync-checkpoint-thread.js'

/** The thread's own file: sync-checkpoint-thread.ts under tsx (tests, the bench), .js when built. */
const THREAD = new URL(import.meta.url.endsWith('.ts') ? './sync-checkpoint-thread.ts' : './sync-checkpoint-thread.js', import.meta.url)

/** SQLite's own threshold, which the event loop's connection has outside a sync run. */
const USUAL_PAGES = 1000
/**
 * The event loop's connection's threshold while the thread checkpoints: it checkpoints itself only
 * if the thread falls this far behind (40 MiB of WAL at 4 KiB pages), so that the WAL stays bounded.
 */
const FALLBACK_PAGES = 10_000

/**
 * For the length of a sync run, checkpoints the WAL from a worker thread instead of inside the
 * event loop's transactions (sync-checkpoint-thread.ts). A :memory: store has no WAL: nothing to do.
 * Returns the function that ends it, which puts the connection's threshold back.
 */
export function startSyncCheckpoints (db: Db, log: Logger): () => void {
  if (db.memory) return () => {}
  let worker: Worker | null = null
  try {
    worker = new Worker(THREAD, { workerData: { syncCheckpointThread: true, file: db.name } })
  } catch (err) {
    log.warn({ err }, 'sync checkpoint thread did not start; the sync checkpoints inline')
    return () => {}
  }
  worker.unref()
  const usual = () => {
    try {
      db.pragma(`wal_autocheckpoint = ${USUAL_PAGES}`)
    } catch { /* a closed connection checkpoints nothing */ }
  }
  // A thread that dies leaves the checkpoints to this connection, at the usual threshold.
  worker.on('error', (err) => {
    log.warn({ err }, 'sync checkpoint thread stopped; the sync checkpoints inline')
    usual()
  })
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`)
  return () => {
    usual()
    worker?.postMessage({ stop: true } satisfies ToCheckpointThread)
    worker = null
  }
}
