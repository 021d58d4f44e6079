import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Writable } from 'node:stream'
import type { Worker } from 'node:worker_threads'
import pino from 'pino'
import t from 'tap'
import type { Test } from 'tap'
import { createThreadedAuditWriter } from '../../src/audit/thread-writer.js'
import type { ThreadedAuditOptions } from '../../src/audit/thread-writer.js'
import type { CheckRecord } from '../../src/audit/check-record.js'
import { createAuditStore } from '../../src/audit/store.js'
import type { AuditStore } from '../../src/audit/store.js'
import type { AuditWriter } from '../../src/audit/writer.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { HASH_KEY, holdLock, tempDir } from '../helper.js'

const record = (i: number) => ({ at: i, actor: 'pbx', action: 'check.decide' as const, entryId: null, reason: null, detail: { n: i } })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Flushes until the one record queued is in the store, and says how many rows are: until the
 * thread has started (slow under the test runner's loaders), a flush gives up early.
 */
async function firstWritten (writer: AuditWriter, store: AuditStore): Promise<number> {
  for (let i = 0; i < 100 && store.list({}, 10).length === 0; i++) {
    writer.flush()
    await sleep(100)
  }
  return store.list({}, 10).length
}

function setUp (t: Test, busyTimeoutMs?: number) {
  const file = join(tempDir(t), 'a.db')
  const db = openDatabase(file, busyTimeoutMs)
  migrate(db)
  const lines: Array<{ msg: string }> = []
  const log = pino({ level: 'info' }, new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } }))
  return { file, db, store: createAuditStore(db, { hashKey: HASH_KEY }), lines, log }
}

t.test('close: every record queued before it is in the store, in the order queued', async (t) => {
  const { file, db, store, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY })
  for (let i = 1; i <= 1234; i++) writer.later(record(i)) // more than two batches of 500, and a rest
  writer.close()
  db.close()
  const again = openDatabase(file)
  t.teardown(() => again.close())
  const ats = (again.prepare('SELECT at FROM audit_all ORDER BY id').all() as Array<{ at: number }>).map((row) => row.at)
  t.equal(ats.length, 1234)
  t.same(ats, Array.from({ length: 1234 }, (_, i) => i + 1))
})

t.test('flush: the queued records can be read at once on the daemon\'s own connection', async (t) => {
  const { file, db, store, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY })
  t.teardown(() => { writer.close(); db.close() })
  writer.later(record(1))
  writer.later(record(2))
  writer.flush()
  t.same(store.list({}, 10).map((row) => row.detail), [{ n: 2 }, { n: 1 }])
  // An admin row written after a flush comes after the checks queued before it.
  store.append({ at: 3, actor: 'spoc', action: 'entry.create', entryId: null, reason: null, detail: null })
  t.same(store.list({}, 10).map((row) => row.at), [3, 2, 1])
})

t.test('a batch the store refuses is kept and written once the store takes it', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, waitMs: 300 })
  t.teardown(() => { writer.close(); db.close() })
  writer.later(record(0))
  t.equal(await firstWritten(writer, store), 1, 'the thread writes')
  db.exec("CREATE TRIGGER no_four BEFORE INSERT ON audit WHEN NEW.at = 4 BEGIN SELECT RAISE(ABORT, 'no'); END")
  for (let i = 1; i <= 5; i++) writer.later(record(i))
  writer.flush() // gives up waiting after 300 ms, and says so
  t.equal(store.list({}, 10).length, 1, 'a refused batch leaves nothing behind')
  t.ok(lines.some((line) => line.msg === 'audit thread did not write its batch in time'))
  for (let i = 0; i < 100 && !lines.some((line) => line.msg === 'audit flush failed; will retry'); i++) await sleep(20)
  t.ok(lines.some((line) => line.msg === 'audit flush failed; will retry'), 'the thread says why')
  db.exec('DROP TRIGGER no_four')
  await sleep(250) // the thread tries again by itself
  writer.flush()
  t.same(store.list({}, 10).map((row) => row.at), [5, 4, 3, 2, 1, 0], 'all five, once the store takes them')
})

t.test('a writer that never audited a check starts no thread and closes at once', async (t) => {
  const { file, db, store, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY })
  writer.flush()
  writer.close()
  db.close()
  t.pass('closed')
})

const decision = (at: number, audited: boolean, line: boolean): CheckRecord =>
  [at, 'pbx', 'phone', 'A1234BC', 'block', ['e-1'], ['0123456789abcdef01234567'], audited, line ? [`req-${at}`, 'POST', '/v1/check', 0.25] : null]

t.test('check records: the audit row when audited, the log line from the thread at the decision\'s time', async (t) => {
  const { file, db, store, log } = setUp(t)
  const logFile = join(tempDir(t), 'lines.log')
  const fd = openSync(logFile, 'a')
  t.teardown(() => closeSync(fd))
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, lines: { fd, level: 'info' } })
  writer.check(decision(1000, true, true))
  writer.check(decision(2000, false, true)) // blocks-only auditing of an allow: the line alone
  writer.check(decision(3000, true, false)) // a batch item: the row alone
  writer.close()
  const rows = store.list({}, 10)
  t.same(rows.map((row) => [row.at, row.action, row.entryId]), [[3000, 'check.decide', 'e-1'], [1000, 'check.decide', 'e-1']])
  t.same(rows[1]?.detail, { channel: 'phone', prisoner: 'A1234BC', decision: 'block', entryIds: ['e-1'], keyHashes: ['0123456789abcdef01234567'] },
    'the same detail, in the same order, as the check service wrote before')
  const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  t.same(lines.map((line) => [line.time, line.reqId, line.msg, line.level]), [[1000, 'req-1000', 'request', 30], [2000, 'req-2000', 'request', 30]])
  t.match(lines[0], { client: 'pbx', method: 'POST', route: '/v1/check', status: 200, ms: 0.25, prisoner: 'A1234BC', decision: 'block', entryIds: ['e-1'] })
  db.close()
})

t.test('check records with no descriptor for the thread: the line is written at once on the caller\'s logger', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, lines: null })
  writer.check(decision(1000, false, true))
  t.same(lines.map((line) => (line as { reqId?: string }).reqId), ['req-1000'], 'written before any batch')
  writer.check(decision(2000, false, false))
  writer.close()
  t.equal(store.list({}, 10).length, 0, 'neither was audited')
  t.equal(lines.length, 1, 'a record with no line and no row is dropped')
  db.close()
})

/** The reqIds of the check lines the thread wrote (to `logFile`) and of those written inline (to `lines`). */
function requestLines (logFile: string, lines: Array<{ msg: string }>): { threadLines: string[], inlineLines: string[] } {
  return {
    threadLines: readFileSync(logFile, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { reqId: string }).reqId),
    inlineLines: lines.map((line) => (line as { reqId?: string }).reqId).filter((id): id is string => id !== undefined)
  }
}

/** The `at` of every audit row, in id order, read on a connection of its own. */
function ats (file: string): number[] {
  const db = openDatabase(file)
  try {
    return (db.prepare('SELECT at FROM audit_all ORDER BY id').all() as Array<{ at: number }>).map((row) => row.at)
  } finally {
    db.close()
  }
}

t.test('a thread that falls behind holds the caller back: what waits for it stays bounded, nothing is dropped', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, maxInFlight: 1000 })
  // Faster than any thread writes: 20,000 records from one synchronous loop. Without the bound all
  // of them would wait in the thread's queue (the thread is not even started after the first few).
  let most = 0
  for (let i = 1; i <= 20_000; i++) {
    writer.later(record(i))
    most = Math.max(most, writer.queued)
  }
  // At most maxInFlight handed over and one batch more, plus a batch not yet handed over.
  t.ok(most < 1000 + 2 * 500, `at most ${most} records waited for the thread`)
  writer.close()
  db.close()
  t.same(ats(file), Array.from({ length: 20_000 }, (_, i) => i + 1), 'every record, in order')
  t.same(lines.filter((line) => line.msg !== undefined && /audit/.test(line.msg)), [], 'no error said')
})

t.test('a store that refuses the thread\'s writes: the caller does not wait for it, the records wait in the queue', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, maxInFlight: 1000, waitMs: 60_000 })
  db.exec("CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'full'); END")
  const started = Date.now()
  for (let i = 1; i <= 3000; i++) writer.later(record(i))
  // The third hand-over waits until the thread has tried its first batch and failed, not 60 s.
  t.ok(Date.now() - started < 30_000, 'did not wait for the deadline')
  t.equal(writer.queued, 3000, 'all held: the thread\'s 1,000 and the queue\'s 2,000')
  t.equal(store.list({}, 10).length, 0)
  db.exec('DROP TRIGGER refuse')
  for (let i = 0; i < 100 && writer.queued > 2000; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(writer.queued, 2000, 'the thread wrote what it held once the store took it')
  writer.close()
  db.close()
  t.same(ats(file), Array.from({ length: 3000 }, (_, i) => i + 1), 'every record, in order')
  t.ok(lines.some((line) => line.msg === 'audit flush failed; will retry'), 'the failure was said')
})

t.test('a thread that dies: what it had not written is written inline, and a log line it had written is not written again', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const logFile = join(tempDir(t), 'lines.log')
  const fd = openSync(logFile, 'a')
  t.teardown(() => closeSync(fd))
  let thread: Worker | null = null
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, lines: { fd, level: 'info' }, waitMs: 300, onThread: (started) => { thread = started } })
  t.teardown(() => { writer.close(); db.close() })
  writer.check(decision(1, true, true))
  t.equal(await firstWritten(writer, store), 1, 'the thread writes')
  // Rows refused, so the thread writes the lines of 2-4 but not their rows.
  db.exec("CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'full'); END")
  for (let at = 2; at <= 4; at++) writer.check(decision(at, true, true))
  writer.flush()
  for (let i = 0; i < 100 && !lines.some((line) => line.msg === 'audit flush failed; will retry'); i++) await sleep(20)
  writer.check(decision(5, true, true)) // still in the queue
  const stopped = thread as Worker | null
  if (stopped === null) throw new Error('no thread')
  const exited = new Promise((resolve) => stopped.once('exit', resolve))
  await stopped.terminate()
  await exited
  await sleep(10)
  t.ok(lines.some((line) => line.msg === 'audit thread stopped; writing check records inline'), 'said')
  db.exec('DROP TRIGGER refuse')
  writer.flush()
  t.same(store.list({}, 10).map((row) => row.at).sort((a, b) => a - b), [1, 2, 3, 4, 5], 'every row once')
  const { threadLines, inlineLines } = requestLines(logFile, lines)
  t.same(threadLines, ['req-1', 'req-2', 'req-3', 'req-4'], 'the thread wrote these before it died')
  t.same(inlineLines, ['req-5'], 'only the line the thread never had is written inline')
})

t.test('a thread held up past a whole wait: the caller waits once, not at every hand-over, and nothing is lost', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, maxInFlight: 1000, waitMs: 300 })
  writer.later(record(0))
  t.equal(await firstWritten(writer, store), 1, 'the thread writes')
  // Another process's write lock: the thread's write waits for it (its busy timeout), not failing.
  const other = openDatabase(file)
  other.exec('BEGIN EXCLUSIVE')
  for (let i = 1; i <= 6000; i++) writer.later(record(i))
  const behind = lines.filter((line) => line.msg === 'audit thread is behind; check records held in the queue')
  t.equal(behind.length, 1, 'one wait ran out; the hand-overs after it did not wait again')
  other.exec('COMMIT')
  other.close()
  writer.close()
  db.close()
  t.same(ats(file), Array.from({ length: 6001 }, (_, i) => i), 'every record, in order')
})

/**
 * A writer with a log file for the thread's lines, whose thread has written check 1, then another
 * process takes the store's lock for `lockMs` and checks 2-4 are handed over: the thread writes
 * their lines and waits for the lock. The caller's connection waits up to 10 s for the lock.
 */
async function lockedAfterOne (t: Test, options: Omit<ThreadedAuditOptions, 'hashKey'>, lockMs: number) {
  const { file, db, store, lines, log } = setUp(t, 10_000)
  const logFile = join(tempDir(t), 'lines.log')
  const fd = openSync(logFile, 'a')
  t.teardown(() => closeSync(fd))
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, lines: { fd, level: 'info' }, ...options })
  writer.check(decision(1, true, true))
  t.equal(await firstWritten(writer, store), 1, 'the thread writes')
  const lock = holdLock(file, lockMs)
  await lock.locked
  for (let at = 2; at <= 4; at++) writer.check(decision(at, true, true))
  writer.flush() // handed over: the thread writes their lines, then waits for the lock (flush gives up)
  return { file, db, lines, logFile, writer, lock }
}

t.test('a stop the thread cannot finish in time: the rest is written on the caller\'s connection, each row and each line once', { timeout: 60_000 }, async (t) => {
  // The caller's connection waits longer for the lock (10 s) than the thread's does (1 s), and the
  // lock is held 7 s: the thread's write gives up while the lock is still held, so it commits nothing.
  const { file, db, lines, logFile, writer, lock } = await lockedAfterOne(t, { waitMs: 300 }, 7000)
  t.ok(lines.some((line) => line.msg === 'audit thread did not write its batch in time'))
  writer.check(decision(5, true, true)) // handed to the thread at the stop, then taken back
  writer.close()
  t.ok(lines.some((line) => line.msg === 'audit thread did not close in time'), 'the stop said it did not wait for the thread')
  await lock.released
  db.close()
  t.same(ats(file), [1, 2, 3, 4, 5], 'every row, once, in order')
  const { threadLines, inlineLines } = requestLines(logFile, lines)
  t.same(threadLines, ['req-1', 'req-2', 'req-3', 'req-4'], 'the thread wrote these before the stop')
  t.same(inlineLines, ['req-5'], 'only the line the thread never had is written at the stop')
})

t.test('a stop while the store refuses every write: the records it could not write are counted once, and no retry is promised', async (t) => {
  const { file, db, store, lines, log } = setUp(t)
  const writer = createThreadedAuditWriter(file, store, log, { hashKey: HASH_KEY, waitMs: 300 })
  writer.later(record(0))
  t.equal(await firstWritten(writer, store), 1, 'the thread writes')
  db.exec("CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'full'); END")
  // More than a batch of 500: a writer that wrote them in batches at the stop would promise a retry for each.
  for (let i = 1; i <= 1200; i++) writer.later(record(i))
  const before = lines.length
  writer.close()
  const atStop = lines.slice(before).map((line) => line.msg)
  db.close()
  const stop = lines.filter((line) => line.msg === 'audit records could not be written before the stop') as Array<{ lost?: number }>
  t.same(stop.map((line) => line.lost), [1200], 'said once, with how many')
  t.notOk(atStop.includes('audit flush failed; will retry'), 'the stop promises no retry')
  t.same(ats(file), [0])
})

t.test('a thread that has not quit when the stop writes its batches: when it gets the lock, its claim fails and it commits nothing', { timeout: 60_000 }, async (t) => {
  // The thread waits for the lock longer (5 s) than it is held (1.5 s), and the stop waits for it to
  // quit for only 200 ms (as it would for a disk that hangs): the stop writes the batches itself,
  // and the thread, when it gets the lock, rolls back at its claim, whichever of the two writes first.
  const { file, db, lines, logFile, writer, lock } = await lockedAfterOne(t, { waitMs: 100, busyTimeoutMs: 5000, quitWaitMs: 200 }, 1500)
  writer.check(decision(5, true, true))
  writer.close() // takes the batches back, waits 200 ms for the thread, then writes them itself
  t.ok(lines.some((line) => line.msg === 'audit thread did not quit after its batches were taken back'), 'said')
  await lock.released
  // The thread gets the lock once the stop's own write has gone in (or before it), and rolls back.
  for (let i = 0; i < 100 && ats(file).length < 5; i++) await sleep(50)
  await sleep(500)
  db.close()
  t.same(ats(file), [1, 2, 3, 4, 5], 'every row once: the thread\'s transaction was rolled back at its claim')
  const { threadLines, inlineLines } = requestLines(logFile, lines)
  t.same(threadLines, ['req-1', 'req-2', 'req-3', 'req-4'])
  t.same(inlineLines, ['req-5'])
})

t.test('a process that exits right after a stop that took the batches back exits 0, and says what the locked store did not take', { timeout: 60_000 }, async (t) => {
  const file = join(tempDir(t), 'a.db')
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/stop-then-exit.ts', import.meta.url)), file], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  const seen = (word: string) => new Promise<void>((resolve) => {
    const look = () => { if (out.includes(word)) resolve() }
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); look() })
  })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  await seen('written')
  // Held past the stop's waits (0.3 s, the thread's 1 s busy timeout and the daemon connection's 250 ms).
  const lock = holdLock(file, 4000)
  await lock.locked
  child.stdin.end('go\n')
  const { code, signal } = await exited
  await lock.released
  t.same({ code, signal }, { code: 0, signal: null }, 'exit code 0, no abort')
  t.ok(out.includes('closed'), 'the stop returned')
  const stop = out.split('\n').filter((line) => line.includes('could not be written before the stop'))
  t.equal(stop.length, 1, 'the records the locked store could not take are said, once')
  t.match(JSON.parse(stop[0] ?? '{}'), { lost: 3 })
  t.same(ats(file), [0], 'the store holds what was written before the lock')
})
