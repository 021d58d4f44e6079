import { createHash, createHmac, hkdfSync } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { GENESIS, auditKey, formatAnchor, linkMac, parseAnchor, verifyChain } from '../../src/audit/chain.js'
import { createAuditStore } from '../../src/audit/store.js'
import type { CheckRecord } from '../../src/audit/check-record.js'
import type { AuditRecord } from '../../src/audit/store.js'
import { openDatabase } from '../../src/store/db.js'
import type { Db } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { HASH_KEY, tempDir } from '../helper.js'

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord =>
  ({ at: 1000 + i, actor: 'pbx', action: 'check.decide' as const, entryId: null, reason: null, detail: { n: i }, ...extra })

function store (t: Test, file = join(tempDir(t), 'a.db')) {
  const db = openDatabase(file)
  t.teardown(() => db.close())
  migrate(db)
  return { db, file, audit: createAuditStore(db, { hashKey: HASH_KEY }) }
}

/** Behind the daemon's back: the triggers go, so rows and links can be changed as an intruder would. */
function tamper (db: Db, sql: string): void {
  db.exec(`DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;
    DROP TRIGGER IF EXISTS audit_link_no_update; DROP TRIGGER IF EXISTS audit_link_no_delete`)
  db.exec(sql)
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
const links = (db: Db) => db.prepare('SELECT seq, first_id, last_id, mac FROM audit_link ORDER BY seq').all() as Array<{ seq: number, first_id: number, last_id: number, mac: string }>

t.test('each write is one link, its MAC in the documented encoding, under a key derived from the daemon\'s', async (t) => {
  const { db, audit } = store(t)
  audit.append(record(1))
  audit.appendBatch([record(2), record(3, { reason: 'Lifted at the victim\'s request' })])
  // Worked out from the encoding in src/audit/chain.ts, not from its output.
  const key = Buffer.from(hkdfSync('sha256', HASH_KEY, Buffer.alloc(0), 'upc-guard audit chain v2', 32))
  t.same(auditKey(HASH_KEY), key)
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('hex')
  const digest1 = sha256('[1,1001,"pbx","check.decide",null,null,"{\\"n\\":1}"]\n')
  const mac1 = mac(`["upc-audit-link-v2",1,"${GENESIS}",1,1,"${digest1}"]`)
  const digest2 = sha256('[2,1002,"pbx","check.decide",null,null,"{\\"n\\":2}"]\n' +
    '[3,1003,"pbx","check.decide",null,"Lifted at the victim\'s request","{\\"n\\":3}"]\n')
  const mac2 = mac(`["upc-audit-link-v2",2,"${mac1}",2,3,"${digest2}"]`)
  t.same(links(db), [{ seq: 1, first_id: 1, last_id: 1, mac: mac1 }, { seq: 2, first_id: 2, last_id: 3, mac: mac2 }])
  t.same(db.prepare('SELECT prev_hash, hash FROM audit WHERE id = 3').get(), { prev_hash: null, hash: null }, 'no plain hash a row any more')
  t.match(verifyChain(db, HASH_KEY), { ok: true, rows: 3, links: 2, broken: null, head: { seq: 2, lastId: 3, mac: mac2 } })
  t.equal(verifyChain(db, Buffer.alloc(32, 9)).broken?.problem, 'mac', 'another key verifies nothing')
})

t.test('a row changed behind the daemon\'s back breaks its link, named with its rows', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2].map((i) => record(i)))
  audit.appendBatch([3, 4, 5].map((i) => record(i)))
  tamper(db, "UPDATE audit SET reason = 'nothing to see' WHERE id = 4")
  t.match(verifyChain(db, HASH_KEY), { ok: false, rows: 2, links: 1, broken: { id: 3, link: 2, problem: 'mac', message: 'link 2 (rows 3 to 5) does not verify with the key: a row in it was changed, or the link was made without the key' } })
})

t.test('the forgery: plain hashes recomputed for every row and the head deleted is a break, and stays one', async (t) => {
  const { db, file, audit } = store(t)
  audit.appendBatch([1, 2, 3].map((i) => record(i)))
  audit.append(record(4, { action: 'entry.lift', actor: 'spoc-a', entryId: 'e-4' }))
  audit.appendBatch([5, 6].map((i) => record(i)))
  // The intruder edits the lift's actor and reason, recomputes a plain SHA-256 chain over every row
  // and deletes every link (the "head").
  tamper(db, "UPDATE audit SET actor = 'spoc-b', reason = 'forged' WHERE id = 4")
  let prev = GENESIS
  for (const row of db.prepare('SELECT id, at, actor, action, entry_id, reason, detail FROM audit ORDER BY id').all() as Array<Record<string, unknown>>) {
    const hash = sha256(JSON.stringify(['upc-audit-v1', prev, row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail]))
    db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id)
    prev = hash
  }
  tamper(db, 'DELETE FROM audit_link')
  t.match(verifyChain(db, HASH_KEY).broken, { id: 1, problem: 'unkeyed', message: 'row 1 is in no link and there is no link at all: the chain\'s head is missing' })
  // A daemon started again on the forged store links only what it writes: it vouches for nothing it found.
  const restarted = openDatabase(file)
  createAuditStore(restarted, { hashKey: HASH_KEY }).append(record(7))
  restarted.close()
  t.match(verifyChain(db, HASH_KEY).broken, { id: 1, link: null, problem: 'unlinked', message: /^row 1 is in no link/ })
})

t.test('links made up without the key are refused, even with the right shape', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2].map((i) => record(i)))
  tamper(db, "UPDATE audit SET reason = 'forged' WHERE id = 2; UPDATE audit_link SET mac = '" + linkMac(Buffer.alloc(32, 1), 1, GENESIS, 1, 2, sha256('x')) + "'")
  t.match(verifyChain(db, HASH_KEY).broken, { link: 1, problem: 'mac' })
})

t.test('rows cut from the end: a break while their link remains or the sequence shows them; only an anchor catches a whole rollback', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3].map((i) => record(i)))
  const anchor = verifyChain(db, HASH_KEY).head
  audit.appendBatch([4, 5, 6].map((i) => record(i)))
  tamper(db, "DELETE FROM audit WHERE id >= 5; UPDATE sqlite_sequence SET seq = 4 WHERE name = 'audit'")
  t.match(verifyChain(db, HASH_KEY).broken, { id: 5, link: 2, problem: 'gap', message: 'rows 5 to 6 of link 2 are missing' })
  tamper(db, 'DELETE FROM audit WHERE id >= 4; DELETE FROM audit_link WHERE seq = 2')
  t.match(verifyChain(db, HASH_KEY).broken, { id: 4, problem: 'cut', message: 'row 4 is missing from the end' }, 'the sequence still counts row 4')
  // A thorough intruder fixes the sequence too: the store is then a consistent older store.
  tamper(db, "UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit'")
  t.equal(verifyChain(db, HASH_KEY).ok, true, 'a whole rollback looks like an older store')
  const later = { link: 2, mac: 'ab'.repeat(32) }
  t.match(verifyChain(db, HASH_KEY, [later]).broken, { link: 2, problem: 'anchor', message: 'link 2, anchored, is missing: the trail was cut or rolled back' })
  t.match(verifyChain(db, HASH_KEY, [{ link: 1, mac: anchor?.mac as string }]), { ok: true, anchors: 1 })
})

t.test('a row deleted from the middle is a gap in its link', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3, 4].map((i) => record(i)))
  tamper(db, 'DELETE FROM audit WHERE id = 2')
  t.match(verifyChain(db, HASH_KEY).broken, { id: 2, link: 1, problem: 'gap', message: 'row 2 of link 1 is missing' })
})

t.test('a link deleted from the middle is named, and rows put in without a link are named', async (t) => {
  const { db, audit } = store(t)
  for (const i of [1, 2, 3]) audit.append(record(i))
  tamper(db, 'DELETE FROM audit_link WHERE seq = 2')
  t.match(verifyChain(db, HASH_KEY).broken, { id: null, link: 2, problem: 'link', message: 'link 2 is missing (the next is link 3)' })
  const other = store(t)
  other.audit.append(record(1))
  other.db.prepare("INSERT INTO audit (at, actor, action) VALUES (5, 'x', 'entry.lift')").run()
  t.match(verifyChain(other.db, HASH_KEY).broken, { id: 2, problem: 'unlinked', message: 'row 2 and any after it are in no link: written without the key after link 1' })
  other.audit.append(record(3))
  t.match(verifyChain(other.db, HASH_KEY).broken, { id: 2, problem: 'unlinked' }, 'still named once a keyed write follows it')
})

t.test('an anchor catches what the key cannot: a rewrite by a holder of the key', async (t) => {
  const { db, audit } = store(t)
  audit.appendBatch([1, 2, 3].map((i) => record(i)))
  const head = verifyChain(db, HASH_KEY).head
  t.not(head, null)
  const anchor = parseAnchor(formatAnchor(head as { seq: number, mac: string }))
  t.same(anchor, { link: 1, mac: head?.mac })
  // Someone with the key file rewrites row 2 and makes a valid link for the forgery.
  tamper(db, "UPDATE audit SET reason = 'forged' WHERE id = 2")
  const digest = createHash('sha256')
  for (const row of db.prepare('SELECT id, at, actor, action, entry_id, reason, detail FROM audit ORDER BY id').all() as Array<Record<string, unknown>>) {
    digest.update(`${JSON.stringify([row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail])}\n`)
  }
  tamper(db, `UPDATE audit_link SET mac = '${linkMac(auditKey(HASH_KEY), 1, GENESIS, 1, 3, digest.digest('hex'))}'`)
  t.equal(verifyChain(db, HASH_KEY).ok, true, 'the key holder\'s forgery verifies with the key')
  t.match(verifyChain(db, HASH_KEY, anchor === null ? [] : [anchor]).broken, { link: 1, problem: 'anchor', message: /not the link anchored/ })
})

t.test('two writers on one file keep one chain: the last link is read in each transaction', async (t) => {
  const dir = tempDir(t)
  const a = store(t, join(dir, 'a.db'))
  const b = store(t, join(dir, 'a.db'))
  for (let i = 0; i < 20; i++) {
    if (i % 3 === 0) b.audit.appendBatch([record(i), record(i + 100)])
    else a.audit.append(record(i))
  }
  t.match(verifyChain(a.db, HASH_KEY), { rows: 27, links: 20, ok: true, broken: null, head: { seq: 20, lastId: 27 } })
})

t.test('text that is not well-formed UTF-16 is stored as it is linked', async (t) => {
  const { db, audit } = store(t)
  audit.append(record(1, { reason: 'bad \ud800 surrogate and a NUL \u0000 here', actor: 'spoc\udfff' }))
  t.equal(db.prepare('SELECT reason FROM audit').pluck().get(), 'bad \ufffd surrogate and a NUL \u0000 here')
  t.equal(verifyChain(db, HASH_KEY).ok, true)
})

t.test('an older store is keyed at its first open with the key; its plain chain and its anchors still hold', async (t) => {
  const dir = tempDir(t)
  const old = join(dir, 'migrations')
  mkdirSync(old)
  for (const name of readdirSync('migrations').filter((name) => name < '016')) copyFileSync(join('migrations', name), join(old, name))
  const db = openDatabase(join(dir, 'a.db'))
  t.teardown(() => db.close())
  migrate(db, old)
  // Rows as the plain chain wrote them (migrations/005 hashes rows already there the same way).
  let prev = GENESIS
  const insert = db.prepare('INSERT INTO audit (at, actor, action, entry_id, reason, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  for (let i = 1; i <= 300; i++) {
    const hash = sha256(JSON.stringify(['upc-audit-v1', prev, i, i, 'spoc', 'entry.create', `e-${i}`, null, JSON.stringify({ i })]))
    insert.run(i, 'spoc', 'entry.create', `e-${i}`, null, JSON.stringify({ i }), prev, hash)
    prev = hash
  }
  migrate(db)
  t.match(verifyChain(db, HASH_KEY).broken, { id: 1, problem: 'unkeyed', message: /rows 1 to 300 were written before the chain was keyed/ }, 'not keyed yet: not proved')
  const audit = createAuditStore(db, { hashKey: HASH_KEY })
  t.same(audit.keyed, { firstId: 1, lastId: 300 })
  t.same(createAuditStore(db, { hashKey: HASH_KEY }).keyed, null, 'once only')
  audit.append(record(301))
  t.match(verifyChain(db, HASH_KEY, [{ id: 300, hash: prev }]), { ok: true, rows: 301, links: 2, anchors: 1 })
  t.throws(() => db.prepare('DELETE FROM audit_link').run(), /append-only/)
  t.throws(() => db.prepare("UPDATE audit SET reason = 'changed'").run(), /append-only/)
  tamper(db, "UPDATE audit SET actor = 'someone' WHERE id = 7")
  t.match(verifyChain(db, HASH_KEY).broken, { id: 7, link: 1, problem: 'plain' }, 'a row from before keying changed: named by its plain hash')
})

t.test('an empty trail is intact', async (t) => {
  const { db } = store(t)
  t.match(verifyChain(db, HASH_KEY), { rows: 0, links: 0, ok: true, broken: null, head: null })
})

t.test('a batch written ten rows a statement is the same rows and link as one row by row', async (t) => {
  // 23 records: two statements of ten rows, then three rows one by one.
  const batched = store(t)
  batched.audit.appendBatch(Array.from({ length: 23 }, (_, i) => record(i + 1, { entryId: i % 4 === 0 ? `e-${i}` : null })))
  const single = store(t)
  for (let i = 1; i <= 23; i++) single.audit.append(record(i, { entryId: (i - 1) % 4 === 0 ? `e-${i - 1}` : null }))
  // Reason and detail of a row naming an entry are sealed with a fresh IV each: compared opened.
  const rows = (db: Db) => db.prepare('SELECT id, at, actor, action, entry_id FROM audit ORDER BY id').all()
  const written = rows(batched.db) as Array<{ id: number, at: number, entry_id: string | null }>
  t.same(written.map((row) => row.id), Array.from({ length: 23 }, (_, i) => i + 1), 'ids 1 to 23, in order')
  t.equal(written[20]?.entry_id, 'e-20', 'the fields of a row in a ten-row statement')
  t.same(written, rows(single.db), 'the same rows')
  t.same(batched.audit.list({}, 30), single.audit.list({}, 30), 'read the same')
  t.same(links(batched.db).length, 1, 'one link for the batch')
  t.match(verifyChain(batched.db, HASH_KEY), { rows: 23, links: 1, ok: true })
})

t.test('check decisions go in one compact row a run, linked like rows; one edited inside its batch breaks the link', async (t) => {
  const { db, audit } = store(t)
  const check = (at: number, entryIds: string[]): CheckRecord => [at, 'pbx', 'phone', 'A1234BC', entryIds.length > 0 ? 'block' : 'allow', entryIds, ['c70723b2b493fc4252366494'], true, null]
  audit.append(record(1))
  audit.appendBatch([check(2, []), check(3, ['e-9']), record(4), check(5, [])])
  t.same(db.prepare('SELECT first_id, last_id, at_first, at_last, records FROM audit_checks ORDER BY first_id').all(), [
    { first_id: 2, last_id: 3, at_first: 2, at_last: 3, records: '[[2,"pbx","phone","A1234BC","allow",[],["c70723b2b493fc4252366494"]],[3,"pbx","phone","A1234BC","block",["e-9"],["c70723b2b493fc4252366494"]]]' },
    { first_id: 5, last_id: 5, at_first: 5, at_last: 5, records: '[[5,"pbx","phone","A1234BC","allow",[],["c70723b2b493fc4252366494"]]]' }
  ])
  t.same(db.prepare('SELECT entry_id, id FROM audit_check_entry').all(), [{ entry_id: 'e-9', id: 3 }])
  t.same(links(db).map((link) => [link.seq, link.first_id, link.last_id]), [[1, 1, 1], [2, 2, 5]], 'one link for the batch')
  t.same(db.prepare('SELECT id, action, entry_id, detail FROM audit_all WHERE id = 3').get(),
    { id: 3, action: 'check.decide', entry_id: 'e-9', detail: '{"channel":"phone","prisoner":"A1234BC","decision":"block","entryIds":["e-9"],"keyHashes":["c70723b2b493fc4252366494"]}' })
  t.same(audit.list({ entryId: 'e-9' }, 10).map((row) => row.id), [3], 'found by its entry')
  t.same(audit.list({}, 10).map((row) => `${row.id} ${row.action}`), ['5 check.decide', '4 check.decide', '3 check.decide', '2 check.decide', '1 check.decide'])
  t.same(audit.list({ before: 5, from: 3, to: 1004 }, 10).map((row) => row.id), [4, 3, 1], 'rows and checks merged by id, filtered alike')
  t.match(verifyChain(db, HASH_KEY), { ok: true, rows: 5, links: 2 })
  tamper(db, 'DROP TRIGGER audit_checks_no_update; UPDATE audit_checks SET records = replace(records, \'"block"\', \'"allow"\')')
  t.match(verifyChain(db, HASH_KEY).broken, { id: 2, link: 2, problem: 'mac', message: /link 2 \(rows 2 to 5\) does not verify/ })
})
