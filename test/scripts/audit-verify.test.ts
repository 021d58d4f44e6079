import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import t from 'tap'
import type { Test } from 'tap'
import { verifyChain } from '../../src/audit/chain.js'
import { HASH_KEY, auth, buildTestApp, fetchVia, entryBody, tempDir } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function verify (...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' }
  })
}

t.test('creates, lifts, batched checks and a sync keep the chain whole; a row edited behind the daemon\'s back is named', async (t) => {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  // The establishment pulls the hub's feed through the hub's own routes (no socket needed here).
  const viaHub = fetchVia(hub.app)
  const hli = await buildTestApp(t, {
    fetch: viaHub,
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: 'feed-62683918bcbeb6182bbcaf2c', UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  const fromHub = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ establishment: 'HLI', phones: ['07700 900611'] }) })
  t.equal(fromHub.statusCode, 201)
  const local = await hli.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900612'] }) })
  t.equal(local.statusCode, 201)
  const lift = await hli.app.inject({ method: 'POST', url: `/v1/entries/${local.json().id as string}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  t.equal(lift.statusCode, 200)
  const synced = await hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  t.equal(synced.json().ok, true)
  const copied = await hli.app.inject({ method: 'GET', url: `/v1/entries/${fromHub.json().id as string}`, headers: auth('admin') })
  t.equal(copied.json().origin, 'hub', 'the hub\'s entry arrived by sync (at start or now)')
  // 600 checks: one flush at 500 queued records, the rest at the next.
  const items = Array.from({ length: 600 }, (_, i) => ({ channel: 'phone', prisoner: 'A1234BC', phone: i % 2 === 0 ? '07700 900611' : '07700 900699' }))
  const batch = await hli.app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items } })
  t.equal(batch.statusCode, 200)
  const trail = await hli.app.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: auth('admin') })
  const actions = new Set(trail.json().items.map((row: { action: string }) => row.action))
  t.ok(actions.has('entry.create') && actions.has('entry.lift') && actions.has('sync.run') && actions.has('check.decide'), 'all four kinds are in the trail')
  t.ok(trail.json().items.length >= 604)

  const hliDb = new Database(hli.config.db)
  t.teardown(() => hliDb.close())
  const report = verifyChain(hliDb, HASH_KEY)
  t.equal(report.ok, true)
  t.equal(report.rows, trail.json().items.length)
  const hubDb = new Database(hub.config.db)
  t.teardown(() => hubDb.close())
  t.equal(verifyChain(hubDb, HASH_KEY).ok, true, 'the hub\'s chain (its create and the feed it served) too')

  // The script, as an operator runs it, against the live store: intact, and what it proved.
  const keyFile = join(tempDir(t), 'upc-guard.key')
  writeFileSync(keyFile, `${HASH_KEY.toString('hex')}\n`)
  const intact = verify(hli.config.db, '--key', keyFile)
  t.equal(intact.status, 0, intact.stderr)
  const head = report.head as { seq: number, lastId: number, mac: string }
  t.match(intact.stdout, `audit chain intact: ${report.rows} rows in ${report.links} links, up to row ${head.lastId}\n`)
  t.match(intact.stdout, /^proved: every row is in a link made with the key/m)
  t.match(intact.stdout, /^not proved: that no links were cut from the end/m)
  const anchor = `L${head.seq}:${head.mac}`
  t.match(intact.stdout, `anchor: ${anchor} (note it elsewhere`)
  const printed = verify(hli.config.db, '--key', keyFile, '--anchor-only')
  t.equal(printed.stdout, `${anchor}\n`, 'audit:anchor prints the anchor alone')
  const anchored = verify(hli.config.db, '--key', keyFile, '--anchor', anchor)
  t.equal(anchored.status, 0, anchored.stderr)
  t.match(anchored.stdout, 'proved: the 1 anchor(s) given hold')

  // Someone with the file edits a lift's actor behind the daemon's back.
  const liftRow = hliDb.prepare("SELECT id FROM audit WHERE action = 'entry.lift'").pluck().get() as number
  const liftLink = hliDb.prepare('SELECT seq FROM audit_link WHERE first_id <= ? AND last_id >= ?').pluck().get(liftRow, liftRow) as number
  hliDb.exec('DROP TRIGGER audit_no_update')
  hliDb.prepare("UPDATE audit SET actor = 'someone-else' WHERE id = ?").run(liftRow)
  const broken = verify(hli.config.db, '--key', keyFile)
  t.equal(broken.status, 1, broken.stderr)
  t.match(broken.stdout, `audit chain BROKEN at row ${liftRow} (link ${liftLink}), mac: link ${liftLink} (row ${liftRow}) does not verify with the key`)
  t.match(broken.stdout, `verified before it: ${liftLink - 1} link(s), ${liftRow - 1} row(s)`)
  t.notMatch(broken.stdout, /someone-else|07700|example\.org/, 'ids only, never a row\'s content')
})

t.test('audit:verify usage errors exit 2', async (t) => {
  const missing = verify(join(tempDir(t), 'nothing.db'))
  t.equal(missing.status, 2)
  t.match(missing.stderr, /no store at/)
  const notStore = join(tempDir(t), 'other.db')
  new Database(notStore).close()
  const keyFile = join(tempDir(t), 'upc-guard.key')
  writeFileSync(keyFile, `${HASH_KEY.toString('hex')}\n`)
  const other = verify(notStore, '--key', keyFile)
  t.equal(other.status, 2)
  t.match(other.stderr, /has no keyed audit chain/)
  const noKey = verify(notStore)
  t.equal(noKey.status, 2)
  t.match(noKey.stderr, /no key file at .*cannot be verified without it/)
  const option = verify(notStore, '--frobnicate')
  t.equal(option.status, 2)
  const anchor = verify(notStore, '--anchor', '12:not-a-hash')
  t.equal(anchor.status, 2)
  t.match(anchor.stderr, /--anchor needs L<seq>:<mac>/)
})

/** A stopped daemon's store with a create, a lift and a few checks; the key file beside the test. */
async function stoppedStore (t: Test) {
  const dir = tempDir(t)
  const { app, config } = await buildTestApp(t, { dir })
  const made = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900613'] }) })
  await app.inject({ method: 'POST', url: `/v1/entries/${made.json().id as string}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  for (const phone of ['07700 900613', '07700 900614', '07700 900615']) {
    await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })
  }
  await app.close()
  const keyFile = join(tempDir(t), 'upc-guard.key')
  writeFileSync(keyFile, `${HASH_KEY.toString('hex')}\n`)
  return { dir, db: config.db, keyFile }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

t.test('the forgery: a lift edited, a plain SHA-256 chain recomputed, the head deleted: verify exits 1, and still after a restarted daemon checks', async (t) => {
  const { dir, db: file, keyFile } = await stoppedStore(t)
  const db = new Database(file)
  t.teardown(() => db.close())
  const lift = db.prepare("SELECT id FROM audit WHERE action = 'entry.lift'").pluck().get() as number
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_link_no_delete')
  db.prepare("UPDATE audit SET actor = 'another-spoc', reason = 'Lifted at the request of the police' WHERE id = ?").run(lift)
  let prev = '0'.repeat(64)
  for (const row of db.prepare('SELECT id, at, actor, action, entry_id, reason, detail FROM audit ORDER BY id').all() as Array<Record<string, unknown>>) {
    const hash = sha256(JSON.stringify(['upc-audit-v1', prev, row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail]))
    db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id)
    prev = hash
  }
  db.exec('DELETE FROM audit_link')
  const forged = verify(file, '--key', keyFile)
  t.equal(forged.status, 1, forged.stderr)
  t.match(forged.stdout, 'audit chain BROKEN at row 1, unkeyed: row 1 is in no link and there is no link at all: the chain\'s head is missing')
  // One more check by a restarted daemon: its link covers its own row, never the forged ones.
  const { app } = await buildTestApp(t, { dir })
  await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900616' } })
  await app.close()
  const after = verify(file, '--key', keyFile)
  t.equal(after.status, 1, after.stderr)
  t.match(after.stdout, /^audit chain BROKEN at row 1, unlinked: row 1 is in no link/m)
  t.notMatch(after.stdout + forged.stdout, /another-spoc|police|07700/, 'ids only')
})

t.test('rows cut from the end: verify exits 1; a whole rollback (rows, links and sequence) only against an anchor', async (t) => {
  const { dir, db: file, keyFile } = await stoppedStore(t)
  const anchor = verify(file, '--key', keyFile, '--anchor-only').stdout.trim()
  t.match(anchor, /^L\d+:[0-9a-f]{64}$/)
  // Three more checks after the anchor was noted.
  const { app } = await buildTestApp(t, { dir })
  for (const phone of ['07700 900617', '07700 900618', '07700 900619']) {
    await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })
  }
  await app.close()
  const db = new Database(file)
  t.teardown(() => db.close())
  // The three checks went in one batch at the stop: ids last - 2 to last.
  const last = db.prepare('SELECT MAX(last_id) FROM audit_link').pluck().get() as number
  t.same(db.prepare('SELECT first_id, last_id FROM audit_checks ORDER BY first_id DESC LIMIT 1').get(), { first_id: last - 2, last_id: last })
  db.exec('DROP TRIGGER audit_no_delete; DROP TRIGGER audit_checks_no_delete; DROP TRIGGER audit_link_no_delete')
  db.prepare('DELETE FROM audit_checks WHERE first_id = ?').run(last - 2)
  const cut = verify(file, '--key', keyFile)
  t.equal(cut.status, 1, cut.stderr)
  t.match(cut.stdout, new RegExp(`^audit chain BROKEN at row ${last - 2} \\(link \\d+\\), gap: rows ${last - 2} to ${last} of link \\d+ are missing`, 'm'))
  // The thorough intruder cuts every row and link written after the anchor, and the sequence.
  const anchoredSeq = Number(/^L(\d+):/.exec(anchor)?.[1])
  const kept = db.prepare('SELECT last_id FROM audit_link WHERE seq = ?').pluck().get(anchoredSeq - 1) as number
  db.prepare('DELETE FROM audit_link WHERE seq >= ?').run(anchoredSeq)
  db.prepare('DELETE FROM audit WHERE id > ?').run(kept)
  db.prepare('DELETE FROM audit_checks WHERE first_id > ?').run(kept)
  db.prepare("UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM audit) WHERE name = 'audit'").run()
  const rolled = verify(file, '--key', keyFile)
  t.equal(rolled.status, 0, 'without an anchor a whole rollback looks like an older store')
  t.match(rolled.stdout, /^not proved: that no links were cut from the end/m, 'and verify says it did not prove that')
  const caught = verify(file, '--key', keyFile, '--anchor', anchor)
  t.equal(caught.status, 1, caught.stderr)
  t.match(caught.stdout, `audit chain BROKEN at link ${anchoredSeq}, anchor: link ${anchoredSeq}, anchored, is missing: the trail was cut or rolled back`)
})
