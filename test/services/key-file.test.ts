import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { hashKeyFile, loadDataKeys, loadOrCreateKey } from '../../src/services/key-file.js'

t.test('the key file is made once, readable by its owner only, and read back the same', async (t) => {
  const file = join(t.testdir(), 'keys', 'upc-guard.key')
  const key = loadOrCreateKey(file)
  t.equal(key.length, 32)
  t.equal(statSync(file).mode & 0o777, 0o600)
  t.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/)
  t.same(loadOrCreateKey(file), key, 'a second start reads the same key')
})

t.test('a key file that is not 64 hex characters stops start-up', async (t) => {
  const file = join(t.testdir(), 'bad.key')
  writeFileSync(file, 'not a key')
  t.throws(() => loadOrCreateKey(file), /must hold 64 hex characters/)
})

t.test('data keys: UPC_DATA_KEY wins; else the data key file (made once) and a pending rotation\'s key', async (t) => {
  const dir = t.testdir()
  const config = loadConfig({ UPC_DB: join(dir, 'upc-guard.db') })
  const [made, ...rest] = loadDataKeys(config)
  t.equal(made?.length, 32)
  t.same(rest, [])
  t.equal(statSync(join(dir, 'upc-guard.data.key')).mode & 0o777, 0o600, 'beside the database, owner only')
  t.same(loadDataKeys(config), [made], 'read back the same')
  writeFileSync(join(dir, 'upc-guard.data.key.new'), `${'cd'.repeat(32)}\n`)
  t.same(loadDataKeys(config), [made, Buffer.alloc(32, 0xcd)], 'a pending rotation\'s key is offered second')
  t.same(loadDataKeys(loadConfig({ UPC_DB: join(dir, 'upc-guard.db'), UPC_DATA_KEY: 'ef'.repeat(32) })), [Buffer.alloc(32, 0xef)])
  t.equal(hashKeyFile(config), join(dir, 'upc-guard.key'))
})
