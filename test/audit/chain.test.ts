import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { GENESIS, headKey, headMac, verifyChain } from '../../src/audit/chain.js'
import { createAuditStore } from '../../src/audit/store.js'
import type { AuditRecord } from '../../src/audit/store.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { HASH_KEY, tempDir } from '../helper.js'

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord =>
  ({ at: 1000 + i, actor: 'pbx', action: 'check.decide' as const, entryId: null, reason: null, detail: { n: i }, ...extra })

function store (t: Test, file = join(tempDir(t), 'a.db'), key: Buffer | null = HASH_KEY) {
  const db = openDatabase(file)
  t.teardown(() => db.close())
  migrate(db)
  return { db, file, audit: createAuditStore(db, key === null ? {} : { daemonKey: key }) }
}

/** Behind the daemon's back: the triggers go, so the row can be changed as an intruder would. */
function tamper (db: ReturnType<typeof openDatabase>, sql: string): void {
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete')
  db.exec(sql)
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

t.test('each row hashes the one before it, in the documented encoding', async (t) => {
  const { db, audit } = store(t)
  audit.append(record(1))
  audit.appendBatch([record(2), record(3, { entryId: 'e-1', reason: 'Lifted at the victim\'s request' })])
  const rows = db.prepare('SELECT id, prev_hash, hash FROM audit ORDER BY id').all() as Array<{ id: number, prev_hash: string, hash: string }>
  // Written out by hand from the encoding in src/audit/chain.ts, not from its output.
  const first = sha256(`["upc-audit-v1","${'0'.repeat(64)}",1,1001,"pbx","check.decide",null,null,"{\\"n\\":1}"]`)
  t.equal(rows[0]?.prev_hash, GENESIS)
  t.equal(rows[0]?.hash, first)
  t.equal(rows[1]?.prev_hash, first)
  t.equal(rows[1]?.hash, sha256(`["upc-audit-v1","${first}",2,1002,"pbx","check.decide",null,null,"{\\"n\\":2}"]`))
  t.equal(rows[2]?.prev_hash, rows[1]?.hash)
  t.match(verifyChain(db, HASH_KEY), { checked: 3, ok: true, broken: null, head: 'verified', lastId: 3 })
  t.match(verifyChain(db).head, 'not-checked', 'without the key the head is not checked')
})

t.test('a row whose reason is changed behind the daemon\'s back is named', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3, 4, 5].map((i) => record(i)))
  tamper(db, "UPDATE audit SET reason = 'nothing to see' WHERE id = 3")
  const report = verifyChain(db, HASH_KEY)
  t.equal(report.ok, false)
  t.equal(report.checked, 2)
  t.match(report.broken, { id: 3, problem: 'hash' })
})

t.test('a row changed and rehashed breaks the link of the row after it', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3, 4].map((i) => record(i)))
  const forged = sha256(`["upc-audit-v1","${db.prepare('SELECT hash FROM audit WHERE id = 1').pluck().get() as string}",2,1002,"pbx","check.decide",null,null,"{\\"n\\":99}"]`)
  tamper(db, `UPDATE audit SET detail = '{"n":99}', hash = '${forged}' WHERE id = 2`)
  t.match(verifyChain(db).broken, { id: 3, problem: 'prev', message: /row 3 does not link to row 2/ })
})

t.test('a deleted row shows as a gap, and so do rows cut from the end', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3, 4, 5, 6].map((i) => record(i)))
  tamper(db, 'DELETE FROM audit WHERE id = 5 OR id = 6')
  t.match(verifyChain(db).broken, { id: 5, problem: 'gap', message: /rows 5 to 6 are missing from the end/ })
  tamper(db, 'DELETE FROM audit WHERE id = 2')
  t.match(verifyChain(db).broken, { id: 2, problem: 'gap', message: 'row 2 is missing (the next row is 3)' })
})

t.test('a row appended after the tail was cut still shows the cut', async (t) => {
  const { db, audit } = store(t, undefined, null)
  audit.appendBatch([1, 2, 3].map((i) => record(i)))
  tamper(db, 'DELETE FROM audit WHERE id = 3')
  audit.append(record(4))
  t.match(verifyChain(db).broken, { id: 3, problem: 'gap' })
})

t.test('a chain rewritten and rehashed from a row onward passes the plain check, not the keyed head', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3, 4].map((i) => record(i)))
  // The intruder knows the encoding: row 2 onward is rewritten and every hash recomputed.
  db.exec('DROP TRIGGER audit_no_update')
  let prev = db.prepare('SELECT hash FROM audit WHERE id = 1').pluck().get() as string
  for (const id of [2, 3, 4]) {
    const hash = sha256(`["upc-audit-v1","${prev}",${id},${1000 + id},"pbx","check.decide",null,"forged","{\\"n\\":${id}}"]`)
    db.prepare("UPDATE audit SET reason = 'forged', prev_hash = ?, hash = ? WHERE id = ?").run(prev, hash, id)
    prev = hash
  }
  t.equal(verifyChain(db).ok, true, 'a plain SHA chain can be recomputed by whoever can write the file')
  t.match(verifyChain(db, HASH_KEY).broken, { id: 4, problem: 'head', message: /rewritten/ })
  // Moving the head too needs the key: a head written with another key is refused.
  db.prepare('UPDATE audit_head SET hash = ?').run(prev)
  t.match(verifyChain(db, HASH_KEY).broken, { problem: 'head', message: /valid MAC/ })
})

t.test('rows added after the keyed head by a writer without the key are reported', async (t) => {
  const dir = tempDir(t)
  const keyed = store(t, join(dir, 'a.db'))
  keyed.audit.appendBatch([record(1), record(2)])
  const unkeyed = store(t, join(dir, 'a.db'), null)
  unkeyed.audit.append(record(3))
  t.match(verifyChain(keyed.db, HASH_KEY).broken, { id: 3, problem: 'head', message: /after the keyed head/ })
  t.equal(verifyChain(keyed.db).ok, true, 'the chain itself is whole')
})

t.test('two writers on one file keep one chain: the last hash is read in each transaction', async (t) => {
  const dir = tempDir(t)
  const a = store(t, join(dir, 'a.db'))
  const b = store(t, join(dir, 'a.db'))
  for (let i = 0; i < 20; i++) {
    if (i % 3 === 0) b.audit.appendBatch([record(i), record(i + 100)])
    else a.audit.append(record(i))
  }
  t.match(verifyChain(a.db, HASH_KEY), { checked: 27, ok: true, broken: null, head: 'verified', lastId: 27 })
})

t.test('text that is not well-formed UTF-16 is stored as it is hashed', async (t) => {
  const { db, audit } = store(t)
  audit.append(record(1, { reason: 'bad \ud800 surrogate and a NUL \u0000 here', actor: 'spoc\udfff' }))
  t.equal(db.prepare('SELECT reason FROM audit').pluck().get(), 'bad \ufffd surrogate and a NUL \u0000 here')
  t.equal(verifyChain(db, HASH_KEY).ok, true)
})

t.test('005 chains the rows a store already had, and the table stays append-only', async (t) => {
  const dir = tempDir(t)
  const old = join(dir, 'migrations')
  mkdirSync(old)
  for (const name of readdirSync('migrations').filter((name) => name < '005')) copyFileSync(join('migrations', name), join(old, name))
  const db = openDatabase(join(dir, 'a.db'))
  t.teardown(() => db.close())
  migrate(db, old)
  const insert = db.prepare('INSERT INTO audit (at, actor, action, entry_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?)')
  for (let i = 1; i <= 300; i++) insert.run(i, 'spoc', 'entry.create', `e-${i}`, 'Victim asked', JSON.stringify({ i }))
  migrate(db)
  t.match(verifyChain(db), { checked: 300, ok: true, broken: null, head: 'not-checked', lastId: 300 })
  t.equal(db.prepare('SELECT prev_hash FROM audit WHERE id = 1').pluck().get(), GENESIS)
  t.throws(() => db.prepare("UPDATE audit SET reason = 'changed'").run(), /append-only/)
  t.throws(() => db.prepare('DELETE FROM audit').run(), /append-only/)
  createAuditStore(db, { daemonKey: HASH_KEY }).append(record(301))
  t.match(verifyChain(db, HASH_KEY), { checked: 301, ok: true, broken: null, head: 'verified', lastId: 301 })
})

t.test('an empty trail is intact', async (t) => {
  const { db } = store(t)
  t.match(verifyChain(db, HASH_KEY), { checked: 0, ok: true, broken: null, head: 'absent', lastId: null })
})

t.test('an anchor noted elsewhere catches what the key cannot: a rewrite by a key holder, a rollback', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3].map((i) => record(i)))
  const noted = verifyChain(db, HASH_KEY)
  t.equal(noted.lastId, 3)
  const anchor = { id: 3, hash: noted.lastHash as string }
  t.equal(verifyChain(db, HASH_KEY, [anchor]).ok, true)
  // Someone with the key file rewrites row 2 onward and writes a valid head for the forgery.
  db.exec('DROP TRIGGER audit_no_update')
  db.exec("UPDATE audit SET reason = 'forged' WHERE id >= 2")
  let prev = db.prepare('SELECT hash FROM audit WHERE id = 1').pluck().get() as string
  for (const id of [2, 3]) {
    const hash = sha256(`["upc-audit-v1","${prev}",${id},${1000 + id},"pbx","check.decide",null,"forged","{\\"n\\":${id}}"]`)
    db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, id)
    prev = hash
  }
  db.prepare('UPDATE audit_head SET hash = ?, mac = ?').run(prev, headMac(headKey(HASH_KEY), 3, prev))
  t.equal(verifyChain(db, HASH_KEY).ok, true, 'the key holder\'s forgery passes the keyed check')
  t.match(verifyChain(db, HASH_KEY, [anchor]).broken, { id: 3, problem: 'anchor' })
  t.match(verifyChain(db, HASH_KEY, [{ id: 9, hash: anchor.hash }]).broken, { id: 9, problem: 'anchor', message: /row 9, anchored, is missing/ })
})

t.test('a batch written ten rows a statement chains like one written row by row', async (t) => {
  // 23 records: two statements of ten rows, then three rows one by one; then a batch of exactly ten.
  const batched = store(t)
  batched.audit.appendBatch(Array.from({ length: 23 }, (_, i) => record(i + 1, { entryId: i % 4 === 0 ? `e-${i}` : null })))
  batched.audit.appendBatch(Array.from({ length: 10 }, (_, i) => record(24 + i)))
  const single = store(t)
  for (let i = 1; i <= 33; i++) single.audit.append(record(i, { entryId: i <= 23 && (i - 1) % 4 === 0 ? `e-${i - 1}` : null }))
  const rows = (db: ReturnType<typeof openDatabase>) => db.prepare('SELECT id, at, actor, action, entry_id, reason, detail, prev_hash, hash FROM audit ORDER BY id').all()
  const written = rows(batched.db) as Array<{ id: number, at: number, entry_id: string | null }>
  t.same(written.map((row) => row.id), Array.from({ length: 33 }, (_, i) => i + 1), 'ids 1 to 33, in order')
  t.same(written.map((row) => row.at), Array.from({ length: 33 }, (_, i) => 1001 + i), 'each record in its own row, in order')
  t.equal(written[20]?.entry_id, 'e-20', 'the fields of a row in a ten-row statement')
  t.same(written, rows(single.db), 'the same rows, hashes and links as one row a statement')
  t.match(verifyChain(batched.db, HASH_KEY), { checked: 33, ok: true, head: 'verified', lastId: 33 })
})
