import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { keyIdOf } from '../../src/domain/sealed-value.js'
import pino from 'pino'
import { createServices } from '../../src/services/create-services.js'
import { loadDataKeys, loadHashKey, readKey } from '../../src/services/key-file.js'
import { rotateDataKey } from '../../src/services/key-rotation.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { api, startDaemon } from '../../scripts/lib/daemon.js'
import { CLIENTS, DATA_KEY, HASH_KEY, TOKENS, auth, buildTestApp, entryBody, tempDir, writeKeyFiles } from '../helper.js'

const ROOT = new URL('../../', import.meta.url).pathname

function rotateKey (dir: string, store = 'upc-guard.db') {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rotate-key.ts'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', UPC_DB: join(dir, store), UPC_ESTABLISHMENT: 'HLI' }
  })
}

/** A store of two entries (5 sealed values each: 3 details, a name and a reason), closed, with its key files. */
async function storeWithEntries (t: Test): Promise<string> {
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const { app } = await buildTestApp(t, { dir })
  for (const phone of ['07700 900123', '07700 900456']) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [phone] }) })).statusCode, 201)
  }
  await app.close()
  return dir
}

/** Starts on the store with the keys the daemon would load from its files, and reads and checks. */
async function readsAndBlocks (t: Test, dir: string, dataKeys = loadDataKeys(loadConfig({ UPC_DB: join(dir, 'upc-guard.db') }))) {
  const { app } = await buildTestApp(t, { dir, dataKeys })
  const list = (await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json()
  t.same(list.items.map((e: { phones: string[] }) => e.phones[0]).sort(), ['07700 900123', '07700 900456'], 'the details read back')
  t.same(list.items.map((e: { protectedPerson: string }) => e.protectedPerson), ['Jane Doe', 'Jane Doe'])
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '+447700900456' } })
  t.equal(check.json().decision, 'block')
  await app.close()
}

const sealedUnder = (dir: string, id: string): boolean =>
  readdirSync(dir).filter((name) => /^upc-guard\.db(-wal)?$/.test(name)).some((name) => readFileSync(join(dir, name)).includes(`aes1:${id}:`))

t.test('rotate-key re-seals every value under a new key in one go, and swaps the key file', async (t) => {
  const dir = await storeWithEntries(t)
  const oldId = keyIdOf(DATA_KEY)
  t.ok(sealedUnder(dir, oldId), 'a control: the file holds values under the old key')
  const run = rotateKey(dir)
  t.equal(run.status, 0, run.stderr)
  const newKey = readKey(join(dir, 'upc-guard.data.key')) as Buffer
  t.not(newKey.toString('hex'), DATA_KEY.toString('hex'), 'the key file holds a new key')
  t.match(run.stdout, new RegExp(`^10 values of .* re-sealed from key ${oldId} to key ${keyIdOf(newKey)} in one transaction$`, 'm'))
  t.notOk(existsSync(join(dir, 'upc-guard.data.key.new')), 'no pending key left')
  t.notOk(sealedUnder(dir, oldId), 'no value under the old key is left in the file or its WAL')
  await readsAndBlocks(t, dir)
  await t.rejects(buildTestApp(t, { dir, dataKeys: [DATA_KEY] }), /is not the one this database is sealed with/, 'the old key no longer opens the store')
  const audit = (await buildTestApp(t, { dir, dataKeys: [newKey] })).app
  const rows = (await audit.inject({ method: 'GET', url: '/v1/audit?action=key.rotate', headers: auth('admin') })).json().items
  t.same(rows.map((row: { detail: unknown }) => row.detail), [{ from: oldId, to: keyIdOf(newKey), values: 10 }], 'the rotation is audited, with key ids only')
  await audit.close()

  const second = rotateKey(dir)
  t.equal(second.status, 0)
  t.match(second.stdout, /^10 values .* re-sealed from key/m, 'a second run rotates again, from the new key')
  await readsAndBlocks(t, dir)
})

t.test('a rotation cut short after writing the new key: the old key still reads, a rerun finishes it', async (t) => {
  const dir = await storeWithEntries(t)
  const db = openDatabase(join(dir, 'upc-guard.db'))
  const report = rotateDataKey(db, join(dir, 'upc-guard.data.key'), Date.now, { hashKey: HASH_KEY, stopAfter: 'after-new-key' })
  db.close()
  t.ok(existsSync(join(dir, 'upc-guard.data.key.new')))
  t.equal(report.values, 0)
  await readsAndBlocks(t, dir)
  const pending = readKey(join(dir, 'upc-guard.data.key.new')) as Buffer
  const run = rotateKey(dir)
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /^10 values .* \(resuming an interrupted rotation\)$/m)
  t.same(readKey(join(dir, 'upc-guard.data.key')), pending, 'the pending key was the one used')
  await readsAndBlocks(t, dir)
})

t.test('a rotation cut short after its commit: the pending key reads, a rerun only swaps the file', async (t) => {
  const dir = await storeWithEntries(t)
  const db = openDatabase(join(dir, 'upc-guard.db'))
  const report = rotateDataKey(db, join(dir, 'upc-guard.data.key'), Date.now, { hashKey: HASH_KEY, stopAfter: 'after-commit' })
  db.close()
  t.equal(report.values, 10)
  t.same(readKey(join(dir, 'upc-guard.data.key')), DATA_KEY, 'the old key file is still there')
  await readsAndBlocks(t, dir)
  const run = rotateKey(dir)
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, new RegExp(`^finished an interrupted rotation: the store was already sealed under key ${report.to}`, 'm'))
  t.notOk(existsSync(join(dir, 'upc-guard.data.key.new')))
  await readsAndBlocks(t, dir)
})

t.test('a daemon left running through a rotation refuses to write under its old key', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const { app } = await buildTestApp(t, { dir })
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const db = openDatabase(join(dir, 'upc-guard.db'))
  rotateDataKey(db, join(dir, 'upc-guard.data.key'), Date.now, { hashKey: HASH_KEY })
  db.close()
  const write = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900789'] }) })
  t.equal(write.statusCode, 503)
  t.equal(write.json().error, 'key_rotated')
  const read = await app.inject({ method: 'GET', url: `/v1/entries/${entry.id as string}`, headers: auth('admin') })
  t.equal(read.statusCode, 500)
  t.match(read.json().message, /sealed under a key this process does not have: restart it after a key rotation/)
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  t.equal(check.json().decision, 'block', 'checks go on meanwhile')
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503, 'readiness says the daemon can no longer write')
  t.equal(ready.json().status, 'key_rotated')
})

t.test('each store in a folder has key files of its own: rotating one leaves the others alone', async (t) => {
  const dir = await storeWithEntries(t)
  // A second store in the same folder, started as the daemon starts: its keys from its default files.
  const config = loadConfig({ UPC_DB: join(dir, 'hli.db'), UPC_ESTABLISHMENT: 'HLI' })
  const db = openDatabase(config.db)
  migrate(db)
  createServices(db, config, { hashKey: loadHashKey(config), dataKeys: loadDataKeys(config), clock: Date.now, logger: pino({ level: 'silent' }) }).auditWriter.close()
  db.close()
  t.ok(existsSync(join(dir, 'hli.key')) && existsSync(join(dir, 'hli.data.key')), 'hli.db has hli.key and hli.data.key')
  const run = rotateKey(dir, 'hli.db')
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, `${join(dir, 'hli.data.key')} now holds the new key`)
  t.same(readKey(join(dir, 'upc-guard.data.key')), DATA_KEY, 'the other store\'s data key file is untouched')
  await readsAndBlocks(t, dir)
})

t.test('rotate-key refuses while a daemon has the store open, and changes nothing', async (t) => {
  const dir = await storeWithEntries(t)
  const daemon = await startDaemon({ UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI', UPC_TOKENS: JSON.stringify(CLIENTS) })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const run = rotateKey(dir)
  t.equal(run.status, 2, 'refused')
  t.equal(run.stderr, `rotate-key: ${join(dir, 'upc-guard.db')} is open in another process (a running daemon?): stop it first\n`)
  t.same(readKey(join(dir, 'upc-guard.data.key')), DATA_KEY, 'the key file is unchanged')
  t.notOk(existsSync(join(dir, 'upc-guard.data.key.new')), 'no new key was written')
  const ready = await fetch(`${daemon.base}/readyz`)
  t.equal(ready.status, 200, 'the daemon is still ready')
  const write = await api(daemon.base, TOKENS.admin, 'POST', '/v1/entries', entryBody({ phones: ['07700 900789'] }))
  t.equal(write.status, 201, 'and still writes')
  daemon.child.kill('SIGTERM')
  t.equal(await daemon.exited, 0)
  const after = rotateKey(dir)
  t.equal(after.status, 0, after.stderr)
})

t.test('rotate-key refuses a key that is not the store\'s, and a key given in the environment', async (t) => {
  const dir = await storeWithEntries(t)
  const { writeFileSync } = await import('node:fs')
  writeFileSync(join(dir, 'upc-guard.data.key'), `${'cd'.repeat(32)}\n`)
  const run = rotateKey(dir)
  t.equal(run.status, 2)
  t.match(run.stderr, /^rotate-key: the data key \(key id [0-9a-f]{16}\) is not the one this database is sealed with/)
  const env = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/rotate-key.ts'], {
    cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', UPC_DB: join(dir, 'upc-guard.db'), UPC_DATA_KEY: DATA_KEY.toString('hex') }
  })
  t.equal(env.status, 2)
  t.match(env.stderr, /UPC_DATA_KEY is set/)
})
