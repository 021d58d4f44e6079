import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { KEYING_VERSION, keysFor } from '../../src/domain/contact-keys.js'
import { createMatchTokens } from '../../src/domain/key-hash.js'
import { dataKey, keyIdOf, seal } from '../../src/domain/sealed-value.js'
import { associatedData } from '../../src/store/at-rest-store.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { DATA_KEY, HASH_KEY, auth, buildTestApp, tempDir } from '../helper.js'

const ROOT = new URL('../../', import.meta.url).pathname
const ACTIVE = '0b9d0c3e-5f43-4c1e-9a59-3a0d2f1c0001'
const LIFTED = '0b9d0c3e-5f43-4c1e-9a59-3a0d2f1c0002'
const ERASED = '0b9d0c3e-5f43-4c1e-9a59-3a0d2f1c0003'
/** Reasons as an older version kept them; the greps look for these. */
const REASONS = ['Jane Doe asked for no contact', 'Old block lifted for Mary Roe', 'Erased block for Sam Poe', 'Lifted: Sam Poe moved away']

/** The store's files (the database and its WAL), copied. */
function copyOfFiles (dir: string, into: string): Buffer[] {
  mkdirSync(into, { recursive: true })
  return readdirSync(dir).filter((name) => /^upc-guard\.db(-wal)?$/.test(name)).map((name) => {
    copyFileSync(join(dir, name), join(into, name))
    return readFileSync(join(into, name))
  })
}
const found = (files: Buffer[], text: string): boolean =>
  files.some((file) => file.includes(Buffer.from(text, 'utf8')) || file.includes(Buffer.from(text, 'utf16le')))

t.test('a store from before sealed reasons has them sealed at start; the file and WAL no longer hold them', async (t) => {
  const dir = tempDir(t)
  const migrations = join(dir, 'old-migrations')
  mkdirSync(migrations)
  // The schema before migration 012: details sealed, keys tokens, reasons plaintext.
  for (const name of readdirSync(join(ROOT, 'migrations'))) {
    if (Number(name.slice(0, 3)) < 12) copyFileSync(join(ROOT, 'migrations', name), join(migrations, name))
  }
  const db = openDatabase(join(dir, 'upc-guard.db'))
  migrate(db, migrations)
  db.prepare('UPDATE key_state SET data_key_id = ?, hash_key_id = ?, converted_at = 1, keying_version = ?').run(keyIdOf(DATA_KEY), keyIdOf(HASH_KEY), KEYING_VERSION)
  const entry = db.prepare(`INSERT INTO entries (id, scope, establishment, status, reason, created_by, created_at, address_mode, lifted_by, lifted_at, lift_reason, erased_at)
    VALUES (?, 'establishment', 'HLI', ?, ?, 'spoc', 1, 'whole', ?, ?, ?, ?)`)
  entry.run(ACTIVE, 'active', REASONS[0], null, null, null, null)
  entry.run(LIFTED, 'lifted', 'Old block', 'spoc', 2, REASONS[1], null)
  entry.run(ERASED, 'lifted', REASONS[2], 'spoc', 2, REASONS[3], 3)
  const tokens = createMatchTokens(HASH_KEY)
  db.prepare("INSERT INTO entry_details (entry_id, kind, position, raw, match_keys) VALUES (?, 'phone', 0, ?, ?)")
    .run(ACTIVE, seal(dataKey(DATA_KEY), '07700 900123', associatedData.detail(ACTIVE, 'phone', 0)), JSON.stringify(keysFor('phone', '07700 900123').store.map(tokens)))
  db.close()
  const before = copyOfFiles(dir, join(dir, 'before'))
  for (const reason of REASONS) t.ok(found(before, reason), 'a control: the old store\'s file holds the reason')

  const { app } = await buildTestApp(t, { dir })
  const read = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/entries/${id}`, headers: auth('admin') })).json()
  t.equal((await read(ACTIVE)).reason, REASONS[0], 'read back as before')
  t.match(await read(LIFTED), { reason: 'Old block', liftReason: REASONS[1] })
  t.match(await read(ERASED), { reason: '', liftReason: null }, 'an entry erased before reasons were erased loses them now')
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  t.equal(check.json().decision, 'block', 'the old entry still blocks')
  const audit = (await app.inject({ method: 'GET', url: '/v1/audit?action=reason.seal', headers: auth('admin') })).json().items
  t.same(audit.map((row: { detail: { values: number } }) => row.detail.values), [5], 'the erased entry\'s reason and lift reason erased; two reasons and a lift reason sealed')

  const files = copyOfFiles(dir, join(dir, 'stolen'))
  t.ok(files.length >= 1)
  for (const reason of REASONS) t.notOk(found(files, reason), 'no reason left in the file or its WAL')

  await app.close()
  const again = await buildTestApp(t, { dir })
  t.equal((await again.app.inject({ method: 'GET', url: `/v1/entries/${LIFTED}`, headers: auth('admin') })).json().liftReason, REASONS[1], 'opens after a restart')
  t.equal((await again.app.inject({ method: 'GET', url: '/v1/audit?action=reason.seal', headers: auth('admin') })).json().items.length, 1, 'sealed once, not again')
})
