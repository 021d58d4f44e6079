import { statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import pino from 'pino'
import { startSyncCheckpoints } from '../../src/services/sync-checkpointer.js'
import { openDatabase } from '../../src/store/db.js'
import { tempDir } from '../helper.js'

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('while a sync runs, a thread copies the WAL into the file: the writer\'s connection need not, and gets its threshold back after', async (t) => {
  const file = join(tempDir(t), 'store.db')
  const db = openDatabase(file)
  t.teardown(() => db.close())
  db.exec('CREATE TABLE t (x BLOB)')
  db.pragma('wal_checkpoint(TRUNCATE)')
  const insert = db.prepare('INSERT INTO t VALUES (?)')
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'SQLite\'s own threshold before')
  const emptySize = statSync(file).size

  const stop = startSyncCheckpoints(db, pino({ level: 'silent' }))
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 10_000, 'the writer checkpoints itself only far behind the thread')
  // About 200 new pages, far below the writer's own threshold: until a checkpoint they live only
  // in the WAL, and the database file keeps its size (https://sqlite.org/wal.html).
  for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(6000))
  let size = statSync(file).size
  for (let i = 0; i < 250 && size < emptySize + 500_000; i++) {
    await later(20)
    size = statSync(file).size
  }
  t.ok(size >= emptySize + 500_000, `the pages reached the database file without a checkpoint of this connection (${emptySize} -> ${size} bytes)`)
  stop()
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'the usual threshold after')
  t.equal(db.prepare('SELECT COUNT(*) FROM t').pluck().get(), 100, 'every row is there')
})

t.test('without the thread the pages stay in the WAL: what the test above measures is the thread\'s work', async (t) => {
  const file = join(tempDir(t), 'store.db')
  const db = openDatabase(file)
  t.teardown(() => db.close())
  db.exec('CREATE TABLE t (x BLOB)')
  db.pragma('wal_checkpoint(TRUNCATE)')
  const emptySize = statSync(file).size
  db.pragma('wal_autocheckpoint = 10000')
  const insert = db.prepare('INSERT INTO t VALUES (?)')
  for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(6000))
  await later(300)
  t.ok(statSync(file).size < emptySize + 100_000, 'the database file has not grown')
})

t.test('a :memory: store has no WAL: nothing starts, nothing changes', async (t) => {
  const db = openDatabase(':memory:')
  t.teardown(() => db.close())
  const before = db.pragma('wal_autocheckpoint', { simple: true })
  const stop = startSyncCheckpoints(db, pino({ level: 'silent' }))
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), before)
  stop()
  t.equal(db.pragma('wal_autocheckpoint', { simple: true }), before)
})
