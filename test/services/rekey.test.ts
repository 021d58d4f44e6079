// Re-keying at start-up: a store keyed by an older version of the normalisers gets the keys of this
// version from its sealed details before the index loads, and a block is never taken away by it.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import t from 'tap'
import { KEYING_VERSION } from '../../src/domain/contact-keys.js'
import { dataKey, seal } from '../../src/domain/sealed-value.js'
import { associatedData } from '../../src/store/at-rest-store.js'
import { DATA_KEY, auth, buildTestApp, entryBody, tempDir } from '../helper.js'

const check = (phone: string) => ({ channel: 'phone', prisoner: 'A1234BC', phone })

/** Rewrites the store behind the daemon's back, as a store keyed by an older version would be. */
function ageStore (dir: string, matchKeys: string): void {
  const db = new Database(join(dir, 'upc-guard.db'))
  db.prepare('UPDATE key_state SET keying_version = 1').run()
  db.prepare('UPDATE entry_details SET match_keys = ?').run(matchKeys)
  db.close()
}

function storeState (dir: string): { version: number | null, keys: string[] } {
  const db = new Database(join(dir, 'upc-guard.db'), { readonly: true })
  const version = db.prepare('SELECT keying_version FROM key_state').pluck().get() as number | null
  const keys = db.prepare('SELECT match_keys FROM entry_details ORDER BY kind').pluck().all() as string[]
  db.close()
  return { version, keys }
}

t.test('a store keyed by an older version is re-keyed at start-up and its blocks meet again', async (t) => {
  const dir = tempDir(t)
  const first = await buildTestApp(t, { dir })
  const created = await first.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ emails: [], addresses: [] }) })
  t.equal(created.statusCode, 201)
  const before = storeState(dir)
  t.equal(before.version, KEYING_VERSION, 'a new store records the version that keyed it')
  await first.app.close()

  // keys that meet nothing: what an older keying of the number could have been
  ageStore(dir, '["p00000000000000000000000000000000"]')
  const second = await buildTestApp(t, { dir })
  const answer = await second.app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: check('+44 7700 900123') })
  t.equal(answer.json().decision, 'block', 'the block meets the number again')
  const after = storeState(dir)
  t.equal(after.version, KEYING_VERSION)
  t.same(after.keys, before.keys, 'the keys are the ones this version makes')
  const audit = await second.app.inject({ method: 'GET', url: '/v1/audit?action=store.rekey', headers: auth('admin') })
  const rows = (audit.json().items as Array<{ action: string, detail: Record<string, unknown> }>).filter((row) => row.action === 'store.rekey')
  t.equal(rows.length, 1, 'the re-key is in the audit trail once')
  t.same(rows[0]?.detail, { details: 1, from: 1, to: KEYING_VERSION })
  await second.app.close()

  const third = await buildTestApp(t, { dir })
  const again = await third.app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') })
  t.equal((again.json().items as Array<{ action: string }>).filter((row) => row.action === 'store.rekey').length, 1, 'a store at this version is not re-keyed again')
})

t.test('a detail that cannot be opened stops the start, with nothing re-keyed', async (t) => {
  const dir = tempDir(t)
  const first = await buildTestApp(t, { dir })
  const created = await first.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ emails: [], addresses: [] }) })
  t.equal(created.statusCode, 201)
  await first.app.close()
  // the detail's sealed text swapped for one that is sealed under another row: it does not open,
  // so the start must fail loudly rather than drop the block
  const db = new Database(join(dir, 'upc-guard.db'))
  db.prepare('UPDATE key_state SET keying_version = 1').run()
  db.prepare("UPDATE entry_details SET raw = 'not a sealed value'").run()
  db.close()
  await t.rejects(buildTestApp(t, { dir }), 'a detail that cannot be opened stops the start')
  t.equal(storeState(dir).version, 1, 'nothing was re-keyed')
})

t.test('a detail the new keying refuses keeps the keys it has', async (t) => {
  const dir = tempDir(t)
  const first = await buildTestApp(t, { dir })
  const created = await first.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ emails: [], addresses: [] }) })
  const id = created.json().id as string
  await first.app.close()
  // an older keying blocked 999 by its digits; this one refuses emergency numbers
  const db = new Database(join(dir, 'upc-guard.db'))
  db.prepare('UPDATE key_state SET keying_version = 1').run()
  db.prepare('UPDATE entry_details SET raw = ?').run(seal(dataKey(DATA_KEY), '999', associatedData.detail(id, 'phone', 0)))
  db.close()
  const before = storeState(dir)
  const second = await buildTestApp(t, { dir })
  const answer = await second.app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: check('07700 900123') })
  t.equal(answer.json().decision, 'block', 'the block still meets what its old keys meet')
  t.same(storeState(dir), { version: KEYING_VERSION, keys: before.keys }, 'the old keys are kept; the version is recorded')
})
