import { join } from 'node:path'
import t from 'tap'
import { createAuditStore } from '../../src/audit/store.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { HASH_KEY, tempDir } from '../helper.js'

t.test('a batch of check records goes in whole, and the store is back to synchronous=FULL after it', async (t) => {
  const db = openDatabase(join(tempDir(t), 'a.db'))
  t.teardown(() => db.close())
  migrate(db)
  const audit = createAuditStore(db, { hashKey: HASH_KEY })
  const record = (i: number) => ({ at: i, actor: 'pbx', action: 'check.decide' as const, entryId: null, reason: null, detail: { n: i } })
  audit.appendBatch([record(1), record(2), record(3)])
  t.equal(db.pragma('synchronous', { simple: true }), 2)
  t.same(audit.list({}, 10).map((row) => row.detail), [{ n: 3 }, { n: 2 }, { n: 1 }])
  db.exec("CREATE TRIGGER no_four BEFORE INSERT ON audit WHEN NEW.at = 4 BEGIN SELECT RAISE(ABORT, 'no'); END")
  t.throws(() => audit.appendBatch([record(5), record(4)]))
  t.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL again after a failed batch')
  t.equal(audit.list({}, 10).length, 3, 'a failed batch leaves nothing behind')
})

t.test('the trail of one entry is read through the index, which holds only rows that name an entry', async (t) => {
  const db = openDatabase(join(tempDir(t), 'a.db'))
  t.teardown(() => db.close())
  migrate(db)
  const store = createAuditStore(db, { hashKey: HASH_KEY })
  const check = (at: number, entryId: string | null) => ({ at, actor: 'pbx', action: 'check.decide' as const, entryId, reason: null, detail: null })
  store.appendBatch([check(1, null), check(2, 'e-1'), check(3, null), check(4, 'e-2'), check(5, 'e-1')])
  t.same(store.list({ entryId: 'e-1' }, 10).map((row) => row.at), [5, 2])
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM audit WHERE entry_id = @entryId AND id < @before ORDER BY id DESC LIMIT 10')
    .all({ entryId: 'e-1', before: 9 }) as Array<{ detail: string }>
  t.match(plan.map((step) => step.detail).join('\n'), /USING INDEX audit_entry/, 'no scan of the whole trail')
  const indexed = db.prepare('SELECT COUNT(*) FROM audit INDEXED BY audit_entry WHERE entry_id IS NOT NULL').pluck().get()
  t.equal(indexed, 3, 'the three rows that name an entry')
  t.match(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_entry'").pluck().get(), /WHERE entry_id IS NOT NULL/)
})
