import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { keysFor } from '../../src/domain/contact-keys.js'
import { dataKey, seal } from '../../src/domain/sealed-value.js'
import { associatedData } from '../../src/store/at-rest-store.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { DATA_KEY, auth, buildTestApp, entryBody, tempDir, writeKeyFiles } from '../helper.js'

const ROOT = new URL('../../', import.meta.url).pathname
const PHONE = '07700 900123'
const EMAIL = 'Jane.Victim@Example.org'
const ADDRESS = 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'
const NAME = 'Jane Doe'

/** Every form a victim's details could take in the file: as entered, normalised, in other cases. */
function secretForms (): string[] {
  const keys = [...keysFor('phone', PHONE).store, ...keysFor('email', EMAIL).store, ...keysFor('address', ADDRESS).store]
  return [
    PHONE, PHONE.replace(/ /g, ''), '+447700900123', '447700900123', '7700900123',
    EMAIL, EMAIL.toLowerCase(), EMAIL.toUpperCase(),
    ADDRESS, 'Acacia Avenue', 'ACACIA AVENUE', 'acacia avenue', 'LS1 4AP', 'LS14AP',
    NAME, NAME.toUpperCase(), NAME.toLowerCase(),
    ...keys, ...keys.map((key) => key.slice(key.indexOf(':') + 1))
  ]
}

/** The store's files (the database and its WAL) as copied by someone who walked off with them. */
function copyOfFiles (dir: string, into: string): Buffer[] {
  mkdirSync(into, { recursive: true })
  return readdirSync(dir).filter((name) => /^upc-guard\.db(-wal)?$/.test(name)).map((name) => {
    copyFileSync(join(dir, name), join(into, name))
    return readFileSync(join(into, name))
  })
}

const found = (files: Buffer[], text: string): boolean =>
  files.some((file) => file.includes(Buffer.from(text, 'utf8')) || file.includes(Buffer.from(text, 'utf16le')))

t.test('a copied database file and its WAL hold no detail, key or name of a victim', async (t) => {
  const { app, dir } = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [PHONE], emails: [EMAIL], addresses: [ADDRESS], protectedPerson: NAME, addressMode: 'named' }) })
  t.equal(created.statusCode, 201)
  const entry = created.json()
  t.same(entry.keys.phones, [['p:+447700900123']], 'the API still shows the normalised keys')
  t.equal(entry.protectedPerson, NAME)
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '+44 7700 900123' } })
  t.equal(check.json().decision, 'block')
  const letter = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address: ADDRESS, recipient: 'Ms J Doe' } })
  t.equal(letter.json().decision, 'block', 'a named block reads the sealed name in the index')

  const files = copyOfFiles(dir, join(tempDir(t), 'stolen'))
  t.ok(files.length >= 1)
  // The greps can find: what stays plain (docs/RELIABILITY.md) is there.
  t.ok(found(files, entry.id), 'the entry id is in the file (a control: the grep works)')
  t.notOk(found(files, 'Victim asked for no contact'), 'the reason is sealed too, and its audit row holds its keyed hash only')
  for (const form of secretForms()) t.notOk(found(files, form), `not in the file: a form of ${/@/.test(form) ? 'the email' : /^\+?\d/.test(form) ? 'the number' : 'the address or name'}`)

  // And the entry reads back whole after a restart on the same files.
  await app.close()
  const again = await buildTestApp(t, { dir })
  const read = (await again.app.inject({ method: 'GET', url: `/v1/entries/${entry.id as string}`, headers: auth('admin') })).json()
  t.same(read.phones, [PHONE])
  t.same(read.emails, [EMAIL])
  t.same(read.addresses, [ADDRESS])
  t.equal(read.protectedPerson, NAME)
})

t.test('a wrong key refuses to start with a clear error, and changes nothing', async (t) => {
  const { app, dir } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).statusCode, 201)
  await app.close()
  await t.rejects(buildTestApp(t, { dir, dataKeys: [Buffer.alloc(32, 1)] }), /the data key \(key id [0-9a-f]{16}\) is not the one this database is sealed with \(key id [0-9a-f]{16}\)/)
  await t.rejects(buildTestApp(t, { dir, hashKey: Buffer.alloc(32, 2) }), /the HMAC key .* is not the one this database's match keys were made with.*every check would miss every block/)
  const { app: right } = await buildTestApp(t, { dir })
  t.equal((await right.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json().total, 1, 'the right keys still read it')
})

t.test('the real daemon with a wrong data key file exits 1 with one line', async (t) => {
  const { app, dir } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).statusCode, 201)
  await app.close()
  writeKeyFiles(dir)
  const wrong = join(dir, 'wrong.data.key')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(wrong, `${'ab'.repeat(32)}\n`, { mode: 0o600 })
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI', UPC_PORT: '0', UPC_DATA_KEY_FILE: wrong },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(stderr.trim(), /^upc-guard failed to start: the data key \(key id [0-9a-f]{16}\) is not the one this database is sealed with/)
  t.notMatch(stderr, /at .*\.ts:\d+/, 'a message, not a stack trace')
})

t.test('a sealed value changed behind the daemon\'s back is detected and reported without leaking', async (t) => {
  const logFile = join(tempDir(t), 'log.ndjson')
  const { app, config } = await buildTestApp(t, { logFile })
  const one = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const two = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900456'], emails: [], addresses: [] }) })).json()
  const db = new Database(config.db)
  const raw = (id: string) => db.prepare("SELECT raw FROM entry_details WHERE entry_id = ? AND kind = 'phone'").pluck().get(id) as string
  const original = raw(one.id)
  t.match(original, /^aes1:[0-9a-f]{16}:/)
  // One bit flipped in the ciphertext of entry one's phone.
  const bytes = Buffer.from(original.slice(22), 'base64')
  bytes[14] = (bytes[14] as number) ^ 1
  db.prepare("UPDATE entry_details SET raw = ? WHERE entry_id = ? AND kind = 'phone'").run(`${original.slice(0, 22)}${bytes.toString('base64')}`, one.id)
  // Entry two's phone given entry one's own, intact, ciphertext: bound to another row, it must not open.
  db.prepare("UPDATE entry_details SET raw = ? WHERE entry_id = ? AND kind = 'phone'").run(original, two.id)
  db.close()

  for (const id of [one.id as string, two.id as string]) {
    const res = await app.inject({ method: 'GET', url: `/v1/entries/${id}`, headers: auth('admin') })
    t.equal(res.statusCode, 500)
    t.equal(res.json().error, 'stored_value_unreadable')
    t.match(res.json().message, new RegExp(`entry_details\\.raw\\|${id}\\|phone\\|0\\) failed its integrity check`))
    t.notMatch(res.body, /7700|aes1/, 'neither the detail nor its ciphertext')
  }
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  t.equal(check.json().decision, 'block', 'checks go on: the index holds tokens, not the sealed details')
  const log = readFileSync(logFile, 'utf8')
  t.match(log, /"code":"stored_value_unreadable"/, 'the failure is logged, by its code')
  t.notMatch(log, /7700|aes1:|Acacia/, 'the log has no detail and no ciphertext')
})

t.test('an older store is sealed at start, in one transaction, and keeps working', async (t) => {
  const dir = tempDir(t)
  const migrations = join(dir, 'old-migrations')
  mkdirSync(migrations)
  // The schema before migration 006, with rows as the code before it wrote them: all plaintext.
  for (const name of readdirSync(join(ROOT, 'migrations'))) {
    if (Number(name.slice(0, 3)) < 6) copyFileSync(join(ROOT, 'migrations', name), join(migrations, name))
  }
  const db = openDatabase(join(dir, 'upc-guard.db'))
  migrate(db, migrations)
  db.prepare(`INSERT INTO entries (id, scope, establishment, status, protected_person, reason, created_by, created_at, address_mode)
    VALUES ('0b9d0c3e-5f43-4c1e-9a59-3a0d2f1c0001', 'establishment', 'HLI', 'active', ?, 'Old block', 'spoc', 1, 'named')`).run(NAME)
  const insert = db.prepare('INSERT INTO entry_details (entry_id, kind, position, raw, match_keys) VALUES (\'0b9d0c3e-5f43-4c1e-9a59-3a0d2f1c0001\', ?, 0, ?, ?)')
  insert.run('phone', PHONE, JSON.stringify(keysFor('phone', PHONE).store))
  insert.run('email', EMAIL, JSON.stringify(keysFor('email', EMAIL).store))
  insert.run('address', JSON.stringify(ADDRESS), JSON.stringify(keysFor('address', ADDRESS).store))
  db.prepare("INSERT INTO quarantine (at, seq, entry_id, reason, item) VALUES (1, 7, 'x', 'bad', ?)").run(JSON.stringify({ phones: [PHONE] }))
  db.close()
  // A control: the greps below find these in a plaintext store.
  const before = copyOfFiles(dir, join(dir, 'before'))
  for (const form of [PHONE, EMAIL, NAME, ...keysFor('phone', PHONE).store, ...keysFor('address', ADDRESS).store]) t.ok(found(before, form), 'in the old store\'s file')

  const { app } = await buildTestApp(t, { dir })
  const entry = (await app.inject({ method: 'GET', url: '/v1/entries/0b9d0c3e-5f43-4c1e-9a59-3a0d2f1c0001', headers: auth('admin') })).json()
  t.same([entry.phones, entry.emails, entry.addresses, entry.protectedPerson], [[PHONE], [EMAIL], [ADDRESS], NAME], 'read back as before')
  for (const [channel, field, value] of [['phone', 'phone', '+447700900123'], ['email', 'email', EMAIL.toLowerCase()], ['mail', 'address', ADDRESS]]) {
    const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel, prisoner: 'A1234BC', [field as string]: value } })
    t.equal(res.json().decision, 'block', `${channel}: the old entry still blocks`)
  }
  const audit = (await app.inject({ method: 'GET', url: '/v1/audit?action=store.seal', headers: auth('admin') })).json().items
  t.equal(audit.length, 1)
  t.same(audit[0].detail.values, 5, '3 details, 1 name, 1 quarantined item')
  const files = copyOfFiles(dir, join(dir, 'stolen'))
  for (const form of secretForms()) t.notOk(found(files, form), `no plaintext left behind in the file after conversion: ${form.length} chars`)

  await app.close()
  const again = await buildTestApp(t, { dir })
  t.same((await again.app.inject({ method: 'GET', url: '/v1/audit?action=store.seal', headers: auth('admin') })).json().items.length, 1, 'sealed once, not again')
})

t.test('a named block whose sealed name is changed still loads, and holds all mail to its address', async (t) => {
  const logFile = join(tempDir(t), 'log.ndjson')
  const { app, config, dir } = await buildTestApp(t)
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [], emails: [], addresses: [ADDRESS], addressMode: 'named', protectedPerson: NAME }) })).json()
  const letter = async (target: typeof app, recipient: string) => (await target.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address: ADDRESS, recipient } })).json().decision
  t.equal(await letter(app, 'Mr John Smith'), 'allow', 'before: mail to someone else at the address goes')
  await app.close()
  const db = new Database(config.db)
  // Another entry's sealed name in its place: intact GCM, wrong row.
  const other = seal(dataKey(DATA_KEY), 'John Smith', associatedData.person('another-entry'))
  db.prepare('UPDATE entries SET protected_person = ? WHERE id = ?').run(other, entry.id)
  db.close()
  const again = await buildTestApp(t, { dir, logFile })
  t.equal((await again.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'the index loads')
  t.equal(await letter(again.app, 'Mr John Smith'), 'block', 'after: the name cannot be read, so all mail there is held')
  const log = readFileSync(logFile, 'utf8')
  t.match(log, new RegExp(`"entryId":"${entry.id as string}","code":"stored_value_unreadable"`))
  t.notMatch(log, /John|Jane|Acacia/)
})
