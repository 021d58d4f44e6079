import { join } from 'node:path'
import t from 'tap'
import { createAuditStore } from '../../src/store/audit-store.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { tempDir } from '../helper.js'

t.test('a batch of check records goes in whole, and the store is back to synchronous=FULL after it', async (t) => {
  const db = openDatabase(join(tempDir(t), 'a.db'))
  t.teardown(() => db.close())
  migrate(db)
  const audit = createAuditStore(db)
  const record = (i: number) => ({ at: i, actor: 'pbx', action: 'check', entryId: null, reason: null, detail: { n: i } })
  audit.appendBatch([record(1), record(2), record(3)])
  t.equal(db.pragma('synchronous', { simple: true }), 2)
  t.same(audit.list({}, 10).map((row) => row.detail), [{ n: 3 }, { n: 2 }, { n: 1 }])
  db.exec("CREATE TRIGGER no_four BEFORE INSERT ON audit WHEN NEW.at = 4 BEGIN SELECT RAISE(ABORT, 'no'); END")
  t.throws(() => audit.appendBatch([record(5), record(4)]))
  t.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL again after a failed batch')
  t.equal(audit.list({}, 10).length, 3, 'a failed batch leaves nothing behind')
})
