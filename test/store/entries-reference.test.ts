import { createHash } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { dataKey } from '../../src/domain/sealed-value.js'
import { createSealer } from '../../src/services/at-rest.js'
import { openDatabase } from '../../src/store/db.js'
import { createEntriesStore } from '../../src/store/entries-store.js'
import type { EntryRow } from '../../src/store/entries-store.js'
import { migrate } from '../../src/store/migrations.js'
import { tempDir } from '../helper.js'

/**
 * Two ids whose SHA-256 begin with the same 40 bits, so the same 8-character reference (found by
 * a birthday search over ids of this form). Checked below, not taken on trust.
 */
const A = '00000000-0000-4000-8000-0000000aee16'
const B = '00000000-0000-4000-8000-0000001a9a49'

const key = dataKey(Buffer.alloc(32, 7))

function store (t: Test) {
  const db = openDatabase(join(tempDir(t), 's.db'))
  t.teardown(() => db.close())
  migrate(db)
  db.prepare('UPDATE key_state SET data_key_id = ? WHERE id = 1').run(key.id) // the store is sealed under this key
  return { db, entries: createEntriesStore(db, createSealer(db, key, [key])) }
}

const row = (id: string, createdAt: number): EntryRow => ({
  id,
  scope: 'establishment',
  prisoner: null,
  establishment: 'HLI',
  status: 'active',
  protected_person: null,
  address_mode: 'whole',
  reason: 'r',
  request_ref: null,
  consent: null,
  effective_from: null,
  expires_at: null,
  created_by: 'test',
  created_at: createdAt,
  lifted_by: null,
  lifted_at: null,
  lift_reason: null
})

t.test('the two ids really clash in their first 8 characters, and only there', async (t) => {
  const digest = (id: string) => createHash('sha256').update(id).digest()
  t.ok(digest(A).subarray(0, 5).equals(digest(B).subarray(0, 5)), 'the same first 40 bits: the same 8 characters')
  t.notOk(digest(A).subarray(0, 8).equals(digest(B).subarray(0, 8)), 'not the same 60 bits: 12 characters tell them apart')
})

t.test('a clash: the entry stored second gets 4 more characters; each is found by its own', async (t) => {
  const { db, entries } = store(t)
  const local = row(A, 1)
  db.transaction(() => entries.insert(local, []))()
  t.equal(local.reference?.length, 8, 'the first keeps the usual 8')
  const hub = row(B, 2)
  db.transaction(() => entries.putHubEntry(hub, [], true))()
  t.equal(hub.reference?.length, 12, 'the second, from the hub, gets 12')
  t.equal(hub.reference?.slice(0, 8), local.reference, 'beginning with the 8 it clashed on')
  t.equal(entries.byReference(local.reference as string)?.id, A)
  t.equal(entries.byReference(hub.reference as string)?.id, B)
  t.same(entries.list({ reference: local.reference as string }, 10, 0).rows.map((r) => r.id).sort(), [A, B], 'a search by the 8 finds both')
  t.same(entries.list({ reference: hub.reference as string }, 10, 0).rows.map((r) => r.id), [B], 'a search by the 12 finds one')
  t.throws(() => db.prepare('UPDATE entries SET reference = ? WHERE id = ?').run(local.reference, B), /UNIQUE/, 'the store refuses two entries one reference')

  const again = row(B, 2)
  db.transaction(() => entries.putHubEntry(again, [], false))()
  t.equal(entries.referenceOf(B), hub.reference, 'a later copy from the hub keeps the reference it has')
})

t.test('entries from before references get theirs at start-up, oldest first keeping the usual one', async (t) => {
  for (const [first, second] of [[A, B], [B, A]] as const) {
    const { db, entries } = store(t)
    const insert = db.prepare(`INSERT INTO entries (id, scope, establishment, status, reason, created_by, created_at)
      VALUES (?, 'establishment', 'HLI', 'active', 'r', 'old', ?)`)
    insert.run(second, 20)
    insert.run(first, 10)
    t.equal(db.transaction(() => entries.fillReferences())(), 2)
    t.equal(entries.referenceOf(first)?.length, 8, `${first.slice(-4)}, the older, keeps the usual 8`)
    t.equal(entries.referenceOf(second)?.length, 12, `${second.slice(-4)}, the newer, gets 12`)
    t.equal(db.transaction(() => entries.fillReferences())(), 0, 'a second run gives none')
  }
})
