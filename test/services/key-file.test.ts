import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import pino from 'pino'
import { createServices } from '../../src/services/create-services.js'
import { dataKeyFile, hashKeyFile, loadDataKeys, loadHashKey, loadOrCreateKey } from '../../src/services/key-file.js'
import type { KeyAdoption } from '../../src/services/key-file.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { DATA_KEY, HASH_KEY, writeKeyFiles } from '../helper.js'

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

t.test('each store has key files of its own, named after it', async (t) => {
  const dir = t.testdir()
  const hub = loadConfig({ UPC_DB: join(dir, 'hub.db') })
  t.equal(hashKeyFile(hub), join(dir, 'hub.key'))
  t.equal(dataKeyFile(hub), join(dir, 'hub.data.key'))
  t.equal(dataKeyFile(loadConfig({ UPC_DB: join(dir, 'upc-guard.db') })), join(dir, 'upc-guard.data.key'), 'the default store keeps its names')
  t.equal(hashKeyFile(loadConfig({ UPC_DB: join(dir, 'store') })), join(dir, 'store.key'), 'a store without an extension')
  t.equal(hashKeyFile(loadConfig({ UPC_DB: join(dir, 'hub.db'), UPC_KEY_FILE: join(dir, 'k') })), join(dir, 'k'), 'a configured file wins')
  const keys = ['hub.db', 'hli.db', 'upc-guard.db'].map((name) => loadDataKeys(loadConfig({ UPC_DB: join(dir, name) }))[0]?.toString('hex'))
  t.equal(new Set(keys).size, 3, 'three stores in one folder, three data keys')
  t.equal(new Set(['hub.db', 'hli.db'].map((name) => loadHashKey(loadConfig({ UPC_DB: join(dir, name) })).toString('hex'))).size, 2, 'and two HMAC keys')
})

/** A store at `file` sealed under the given keys, as an older daemon with the folder's shared key files made it. */
function storeSealedUnder (file: string, hashKey: Buffer, dataKey: Buffer): void {
  const config = loadConfig({ UPC_DB: file, UPC_ESTABLISHMENT: 'HLI' })
  const db = openDatabase(file)
  migrate(db)
  createServices(db, config, { hashKey, dataKeys: [dataKey], clock: Date.now, logger: pino({ level: 'silent' }) }).auditWriter.close()
  db.close()
}

t.test('a store sealed under the folder\'s shared key files keeps them, copied to its own names', async (t) => {
  const dir = t.testdir()
  writeKeyFiles(dir)
  storeSealedUnder(join(dir, 'hub.db'), HASH_KEY, DATA_KEY)
  const config = loadConfig({ UPC_DB: join(dir, 'hub.db') })
  const adopted: KeyAdoption[] = []
  t.same(loadHashKey(config, (a) => adopted.push(a)), HASH_KEY)
  t.same(loadDataKeys(config, (a) => adopted.push(a)), [DATA_KEY])
  t.same(adopted, [{ from: join(dir, 'upc-guard.key'), to: join(dir, 'hub.key') }, { from: join(dir, 'upc-guard.data.key'), to: join(dir, 'hub.data.key') }])
  t.equal(statSync(join(dir, 'hub.data.key')).mode & 0o777, 0o600)
  t.same(loadDataKeys(config, (a) => adopted.push(a)), [DATA_KEY], 'once: the second start reads its own file')
  t.equal(adopted.length, 2)

  // A store sealed under other keys is not given the shared ones; a new store is not either.
  storeSealedUnder(join(dir, 'hli.db'), Buffer.alloc(32, 1), Buffer.alloc(32, 2))
  const other = loadConfig({ UPC_DB: join(dir, 'hli.db') })
  t.notSame(loadDataKeys(other, (a) => adopted.push(a)), [DATA_KEY])
  t.notSame(loadHashKey(loadConfig({ UPC_DB: join(dir, 'new.db') }), (a) => adopted.push(a)), HASH_KEY)
  t.equal(adopted.length, 2, 'nothing adopted for them')
})
