import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadOrCreateKey } from '../../src/services/key-file.js'

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
