/**
 * The worker thread behind the threaded audit writer (thread-writer.ts): it opens its own
 * connection to the store and writes the batches of check records it is sent, through the audit
 * store's appendBatch, so that the inserts, the JSON of each record and the WAL writes never hold up
 * the event loop that answers checks (docs/PERFORMANCE.md).
 *
 * Shared state (Int32Array over a SharedArrayBuffer), read by the writer without a message:
 *   [WRITTEN] the highest batch number written (batches are written in order, so all up to it)
 *   [CLOSED]  1 once the connection is closed, after the last batch
 *   [FAILING] 1 while the last write failed (the store refused it; it is tried again), else 0
 *   [LINED]   the highest batch number whose log lines are written (lines go out before rows)
 *   [PHASE]   IDLE, COMMITTING while a batch is past its claim and being committed, or WITHDRAWN
 *             once the writer has taken the batches back (a stop the thread did not finish in
 *             time): the thread then commits nothing more, and ends
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import pino from 'pino'
import type { Logger } from 'pino'
import { LINE_BATCH_MIN, LINE_WRITE_MAX, REQUEST_LINE, loggerOptions, wholeLines } from '../logger.js'
import { BatchWithdrawn, createAuditStore } from './store.js'
import { openDatabase } from '../store/db.js'
import type { AuditItem } from './queue.js'
import { lineFieldsOf } from './check-record.js'

export const WRITTEN = 0
export const CLOSED = 1
export const FAILING = 2
export const LINED = 3
export const PHASE = 4
export const SLOTS = 5
export const IDLE = 0
export const COMMITTING = 1
export const WITHDRAWN = 2
const RETRY_MS = 200
/**
 * How long a write goes on trying a store another connection holds locked before it counts as
 * failing (and a flush stops waiting for it). Each try waits at most the connection's busy timeout
 * (1 s, thread-writer.ts), so that between tries the thread can be told to quit.
 */
const BUSY_PATIENCE_MS = 5000
/**
 * The most rows one transaction takes from batches that wait together: ~35 ms of the store's write
 * lock, well inside the 250 ms an admin write on the event loop's connection waits for it.
 */
const TRANSACTION_ROWS = 5000

export type ToThread = { seq: number, records: AuditItem[] } | { close: true }
export interface FromThread { failed: { name: string, code?: string, stack?: string }, queued: number }

function run (): void {
  const port = parentPort
  const data = workerData as { auditThread?: true, file: string, busyTimeoutMs: number, shared: SharedArrayBuffer, hashKey: Uint8Array, lines: { fd: number, level: string } | null } | null
  // Imported by the writer for the constants above: only a thread it started runs.
  if (port === null || data?.auditThread !== true) return
  const { file, shared, hashKey } = data
  const lines = data.lines === null ? null : lineWriter(data.lines.fd, data.lines.level)
  const state = new Int32Array(shared)
  const db = openDatabase(file, data.busyTimeoutMs)
  // This connection commits every 200 ms under load: at SQLite's usual 1,000 pages it is the one that
  // copies the WAL back into the file, in this thread, before the event loop's connection (at 4,000)
  // has to (src/store/db.ts).
  db.pragma('wal_autocheckpoint = 1000')
  // The same key as the daemon's own audit store: the thread's batches are links of the same chain.
  const store = createAuditStore(db, { hashKey: Buffer.from(hashKey) })
  let pending: AuditItem[] = []
  let upTo = 0
  let retry: NodeJS.Timeout | null = null
  // When the write now going on first found the store locked, or null.
  let busySince: number | null = null

  /** The batch may be committed: the writer has not taken it back (and cannot while it is). */
  const claim = () => Atomics.compareExchange(state, PHASE, IDLE, COMMITTING) === IDLE
  const withdrawn = () => Atomics.load(state, PHASE) === WITHDRAWN

  /** Ends the thread: its connection closed, and CLOSED said (at a stop, or once its batches were withdrawn). */
  let quitted = false
  function quit (): void {
    if (quitted) return
    quitted = true
    if (retry !== null) clearTimeout(retry)
    retry = null
    db.close()
    Atomics.store(state, CLOSED, 1)
    Atomics.notify(state, CLOSED)
    port?.close()
  }

  /** Writes what is pending; on a failure keeps it for the next try (the writer bounds the queue). */
  function write (): boolean {
    if (retry !== null) clearTimeout(retry)
    retry = null
    if (withdrawn()) {
      quit()
      return false
    }
    try {
      if (pending.length > 0) store.appendBatch(pending, claim)
      busySince = null
      pending = []
      Atomics.store(state, FAILING, 0)
      // WRITTEN before PHASE goes back to IDLE: a writer that takes the batches back finds it current.
      Atomics.store(state, WRITTEN, upTo)
      Atomics.compareExchange(state, PHASE, COMMITTING, IDLE)
      Atomics.notify(state, WRITTEN)
      Atomics.notify(state, PHASE)
      return true
    } catch (err) {
      // Taken back (by the claim, or while the write waited for a lock): nothing more to try.
      if (err instanceof BatchWithdrawn || withdrawn()) {
        quit()
        return false
      }
      Atomics.compareExchange(state, PHASE, COMMITTING, IDLE)
      Atomics.notify(state, PHASE)
      const { name, code, stack } = err as { name: string, code?: string, stack?: string }
      // A lock held by another connection is waited for, a second at a time, up to BUSY_PATIENCE_MS.
      if (code === 'SQLITE_BUSY') {
        busySince ??= Date.now()
        if (Date.now() - busySince < BUSY_PATIENCE_MS) {
          retry = setTimeout(write, 0)
          return false
        }
      }
      busySince = null
      // Wakes a writer waiting for room (thread-writer.ts): it stops waiting for a store that refuses.
      Atomics.store(state, FAILING, 1)
      Atomics.notify(state, WRITTEN)
      port?.postMessage({ failed: { name, code, stack }, queued: pending.length } satisfies FromThread)
      retry = setTimeout(write, RETRY_MS)
      return false
    }
  }

  /** Takes a batch's records into what is pending (audit rows) and writes their log lines. */
  function accept (message: { seq: number, records: AuditItem[] }): void {
    for (const item of message.records) {
      if (!Array.isArray(item)) {
        pending.push(item)
        continue
      }
      if (item[7]) pending.push(item)
      const fields = lines === null ? null : lineFieldsOf(item)
      if (fields !== null) lines?.write(item[0], fields)
    }
    upTo = message.seq
  }

  port.on('message', (first: ToThread) => {
    let closing = false
    let message: ToThread | undefined = first
    // A thread behind takes the batches already waiting for it into the same transaction: the
    // audit's index by entry makes a row cost less in bigger commits (docs/PERFORMANCE.md).
    while (message !== undefined) {
      if ('close' in message) {
        closing = true
        break
      }
      // Taken back: the writer writes the rest itself, after the lines already written here (write() quits).
      if (withdrawn()) break
      accept(message)
      message = pending.length < TRANSACTION_ROWS ? (receiveMessageOnPort(port)?.message as ToThread | undefined) : undefined
    }
    lines?.flush()
    Atomics.store(state, LINED, upTo)
    if (!write() && withdrawn()) return
    if (closing) quit()
  })
}

/**
 * The log lines of checks, written by this thread to the daemon's own log (the same file
 * descriptor, the same pino options and level), so that the event loop only hands over the tuple
 * it already makes for the audit row. Each line carries the time of its decision, not of its
 * writing. Writes are whole lines of at most 4 KiB (PIPE_BUF), as the event loop's are
 * (src/logger.ts), so that two threads writing one pipe never cut into each other's lines. The
 * descriptor is the daemon's: flushed here, never closed.
 */
function lineWriter (fd: number, level: string): { write: (at: number, fields: Record<string, unknown>) => void, flush: () => void } {
  let at = 0
  const destination = pino.destination({ fd, sync: true, minLength: LINE_BATCH_MIN, maxWrite: LINE_WRITE_MAX })
  const logger: Logger = pino({ ...loggerOptions(level), timestamp: () => `,"time":${at}` }, destination)
  return {
    write (time, fields) {
      at = time
      for (const line of wholeLines(fields)) logger.info(line, REQUEST_LINE)
    },
    flush () {
      destination.flushSync()
    }
  }
}

run()
