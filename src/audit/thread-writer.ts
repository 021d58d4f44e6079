import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { AuditRecord, AuditStore } from './store.js'
import { WRITE_EVERY_MS, createAuditQueue } from './queue.js'
import type { AuditItem } from './queue.js'
import { logLineOf } from './check-record.js'
import type { CheckRecord } from './check-record.js'
import { createAuditWriter, writeAtStop } from './writer.js'
import type { AuditWriter } from './writer.js'
import { CLOSED, COMMITTING, FAILING, IDLE, LINED, PHASE, SLOTS, WITHDRAWN, WRITTEN } from './thread.js'
import type { FromThread, ToThread } from './thread.js'

/** How long flush() and close() wait for the thread before they give up and say so. */
const WAIT_MS = 10_000

/**
 * How long one try of the thread's write waits for another connection's write lock (the thread
 * tries again at once, for up to 5 s: thread.ts). Short, so that the thread is back in
 * JavaScript, where it can be told to quit, within a second of any wait; a stop waits that long and
 * a margin for it to quit.
 */
const THREAD_BUSY_MS = 1000
const WAIT_MARGIN_MS = 1000

/**
 * Check records handed to the thread and not yet written, past which a hand-over waits for the
 * thread: at most this and one hand-over wait for it (10,500 records, a few MB). Under a load the
 * thread cannot write as fast as it comes (batches of 100 checks at many thousands a second), the
 * records waiting in the thread's message queue would otherwise grow without bound, and a stop
 * would then wait seconds for them (docs/PERFORMANCE.md). Waiting slows the checks to
 * the pace of their audit, which is the pace a daemon that audits every check can keep; nothing
 * is dropped.
 */
const MAX_IN_FLIGHT = 10_000

/** The thread's own file: thread.ts under tsx (tests, the bench), thread.js when built. */
const THREAD = new URL(import.meta.url.endsWith('.ts') ? './thread.ts' : './thread.js', import.meta.url)

export interface ThreadedAuditOptions {
  /** how long flush() and close() wait for the thread */
  waitMs?: number
  /** the daemon's HMAC key, which the thread's links are made with (chain.ts auditKey) */
  hashKey: Buffer
  /**
   * Where the thread writes the log lines of checks: the log's file descriptor (stdout, a file)
   * and level. Without one, a check's line is written on the event loop when the check is made.
   */
  lines?: { fd: number, level: string } | null
  /** the most records handed to the thread and not yet written (MAX_IN_FLIGHT) */
  maxInFlight?: number
  /** how long the thread's connection waits for another's write lock (THREAD_BUSY_MS) */
  busyTimeoutMs?: number
  /** how long a stop waits for the thread to quit once it took its batches back (its busy timeout and WAIT_MARGIN_MS) */
  quitWaitMs?: number
  /** told of the thread when it starts (tests stop it, to see what is written when it is gone) */
  onThread?: (thread: Worker) => void
}

/**
 * Check decisions audited from a worker thread with its own connection to the store (a file, not
 * :memory:). later() only queues the record; every 200 ms or 500 records the queue is handed to the
 * thread, which writes it with the audit store's appendBatch. The event loop that answers checks
 * never waits for an insert or a disk write (docs/PERFORMANCE.md).
 *
 * flush() and close() keep the inline writer's promise: when they return, every record queued
 * before is in the store (they wait on a shared counter the thread bumps). Nothing handed over is
 * dropped until the thread says it is written: if the thread dies, what it had not written is
 * written inline on this connection instead (a batch the thread committed just before it died may
 * then be written twice; never lost).
 *
 * The audit table thus takes rows from two connections: check records from the thread, admin and
 * sync rows from the event loop's connection, each inside its own transaction. Anything that links
 * a row to the one before it must read that row inside a write (IMMEDIATE) transaction, not from
 * memory, or the two connections would each carry on from their own last row.
 */
export function createThreadedAuditWriter (file: string, store: AuditStore, log: Logger, options: ThreadedAuditOptions): AuditWriter {
  const waitMs = options.waitMs ?? WAIT_MS
  const lines = options.lines ?? null
  const maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT
  const threadBusyMs = options.busyTimeoutMs ?? THREAD_BUSY_MS
  const quitWaitMs = options.quitWaitMs ?? threadBusyMs + WAIT_MARGIN_MS
  const shared = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)
  const state = new Int32Array(shared)
  let worker: Worker | null = null
  const queue = createAuditQueue<AuditItem>(log)
  let sent = 0
  let inFlight: Array<{ seq: number, records: AuditItem[] }> = []
  let fallback: AuditWriter | null = null
  let closed = false
  // The written count when a wait for room in the thread last ran out (room()), or -1.
  let stuckAt = -1

  const lost = (reason: unknown) => {
    if (fallback !== null) return
    log.error({ err: reason instanceof Error ? reason : undefined }, 'audit thread stopped; writing check records inline')
    const inline = createAuditWriter(store, log)
    fallback = inline
    for (const item of unwritten()) {
      if (Array.isArray(item)) inline.check(item)
      else inline.later(item)
    }
    inline.flush()
  }

  /** Started with the first batch: a daemon (or a test) that audits no check never starts one. */
  function thread (): Worker {
    if (worker !== null) return worker
    // Inherits this process's execArgv, so under tsx the thread loads its .ts file as well.
    const started = new Worker(THREAD, { workerData: { auditThread: true, file, busyTimeoutMs: threadBusyMs, shared, hashKey: options.hashKey, lines } })
    started.unref()
    started.on('message', (message: FromThread) => {
      log.error({ err: message.failed, queued: message.queued }, 'audit flush failed; will retry')
    })
    started.on('error', lost)
    started.on('exit', (code) => { if (!closed) lost(new Error(`audit thread exited with ${code}`)) })
    worker = started
    options.onThread?.(started)
    return started
  }

  /**
   * Records handed over but not yet written, then the queue; forgets batches already written. A
   * check record whose log line the thread has written already (it writes a batch's lines before
   * its rows) comes back without it, so that the line is not written twice: only its row is owed.
   * (A thread that dies in the middle of a batch's lines may still leave one twice: never none.)
   */
  function unwritten (): AuditItem[] {
    const written = Atomics.load(state, WRITTEN)
    const lined = Atomics.load(state, LINED)
    const out: AuditItem[] = []
    for (const batch of inFlight) {
      if (batch.seq <= written) continue
      for (const item of batch.records) {
        if (Array.isArray(item) && batch.seq <= lined) item[8] = null
        out.push(item)
      }
    }
    inFlight = []
    return out.concat(queue.take())
  }

  /** Records handed over and not yet written; forgets the batches written. */
  function behind (): number {
    const written = Atomics.load(state, WRITTEN)
    if (inFlight.length > 0 && (inFlight[0]?.seq ?? 0) <= written) inFlight = inFlight.filter((batch) => batch.seq > written)
    let records = 0
    for (const batch of inFlight) records += batch.records.length
    return records
  }

  /**
   * Whether another batch may be handed over: while the thread is maxInFlight records behind, waits
   * for it (the event loop held, as the inline writer holds it for a write). Not while the store
   * refuses the thread's writes, nor past WAIT_MS: the records then stay in the queue, whose own
   * bound drops (and logs) what a store that cannot be written cannot take, as the inline writer's does.
   */
  function room (): boolean {
    if (behind() < maxInFlight) return true
    // A thread that did not move in a whole wait (a disk that hangs): no second wait until it moves.
    if (Atomics.load(state, WRITTEN) === stuckAt) return false
    const failing = () => Atomics.load(state, FAILING) === 1
    if (waitUntil(WRITTEN, () => failing() || behind() < maxInFlight)) return !failing()
    stuckAt = Atomics.load(state, WRITTEN)
    log.error({ waitedMs: waitMs, behind: behind() }, 'audit thread is behind; check records held in the queue')
    return false
  }

  function send (): void {
    if (queue.length === 0 || !room()) return
    const batch = { seq: ++sent, records: queue.take() }
    inFlight.push(batch)
    thread().postMessage(batch satisfies ToThread)
  }

  /**
   * Blocks until `done()`, asked again each time the thread moves `slot`, or until WAIT_MS pass;
   * whether it is done.
   */
  function waitUntil (slot: number, done: () => boolean, ms = waitMs): boolean {
    const deadline = Date.now() + ms
    for (;;) {
      const seen = Atomics.load(state, slot)
      if (done()) return true
      const left = deadline - Date.now()
      if (left <= 0) return false
      Atomics.wait(state, slot, seen, left)
    }
  }

  /**
   * Takes the batches back from a thread that did not close in time (a disk that hangs, a lock held
   * past the wait), so that this connection writes them: once the thread is not committing, it is
   * told that it may commit nothing more, and it ends when it next can. It is never terminated:
   * a worker terminated while inside SQLite aborts the whole process when the call returns
   * (better-sqlite3 then makes a value in a dying isolate: "FATAL ERROR: v8::ToLocalChecked Empty
   * MaybeLocal", seen in the test of this case). A thread stuck in a commit past another wait may
   * still commit its batch: its records are then written twice, never lost.
   */
  function withdraw (): void {
    const committing = () => Atomics.compareExchange(state, PHASE, IDLE, WITHDRAWN) === COMMITTING
    if (!waitUntil(PHASE, () => !committing())) {
      Atomics.store(state, PHASE, WITHDRAWN)
      log.error({ waitedMs: waitMs }, 'audit thread stuck in a commit at the stop; its last batch may be written twice')
    }
    // The thread quits at its next step, at most its busy timeout away: a process that exits while
    // the thread is still inside SQLite aborts as a terminate() would.
    if (!waitUntil(CLOSED, () => Atomics.load(state, CLOSED) === 1, quitWaitMs)) {
      log.error({ waitedMs: quitWaitMs }, 'audit thread did not quit after its batches were taken back')
    }
  }

  /** Blocks until the thread has set `slot` to at least `value`, or WAIT_MS pass (and says so). */
  function waitFor (slot: number, value: number, what: string): void {
    if (!waitUntil(slot, () => Atomics.load(state, slot) >= value)) log.error({ waitedMs: waitMs }, `audit thread did not ${what} in time`)
  }

  const timer = setInterval(send, WRITE_EVERY_MS)
  timer.unref()

  return {
    later (record: AuditRecord): void {
      if (fallback !== null) return fallback.later(record)
      if (queue.push(record)) send()
    },

    check (record: CheckRecord): void {
      if (fallback !== null) return fallback.check(record)
      // A log that is not a file descriptor the thread can write to: the line goes out here, now.
      if (lines === null && record[8] !== null) {
        logLineOf(record, log)
        record[8] = null
      }
      if ((record[7] || record[8] !== null) && queue.push(record)) send()
    },

    /** records not yet known to be in the store (for GET /metrics) */
    get queued (): number {
      if (fallback !== null) return fallback.queued
      return queue.length + behind()
    },

    flush (): void {
      if (fallback !== null) return fallback.flush()
      send()
      // While the store refuses the thread's writes (a full or read-only disk), waiting would only
      // hold the event loop, and the checks behind it, for WAIT_MS, where the inline writer gives up at once.
      if (Atomics.load(state, FAILING) === 1) return
      waitFor(WRITTEN, sent, 'write its batch')
    },

    close (): void {
      clearInterval(timer)
      if (fallback !== null) return fallback.close()
      send()
      closed = true
      if (worker === null) return
      worker.postMessage({ close: true } satisfies ToThread)
      waitFor(CLOSED, 1, 'close')
      // A thread that could not write in time, or records it had no room for: written here, not lost.
      if (Atomics.load(state, WRITTEN) < sent || queue.length > 0) {
        if (Atomics.load(state, CLOSED) !== 1) withdraw()
        writeAtStop(store, log, unwritten())
      }
    }
  }
}
