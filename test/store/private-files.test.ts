import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createPrivateFile, makePrivateDir, openToOthers } from '../../src/store/private-files.js'
import { tempDir } from '../helper.js'

const mode = (path: string) => statSync(path).mode & 0o7777

t.test('folders 700 and files 600 under an umask that takes the owner\'s own bits away', async (t) => {
  const top = tempDir(t)
  const umask = process.umask(0o277)
  t.teardown(() => { process.umask(umask) })
  makePrivateDir(join(top, 'a', 'b'))
  createPrivateFile(join(top, 'a', 'b', 'upc.db'))
  process.umask(umask)
  t.equal(mode(join(top, 'a')), 0o700)
  t.equal(mode(join(top, 'a', 'b')), 0o700)
  t.equal(mode(join(top, 'a', 'b', 'upc.db')), 0o600, 'writable by its owner, not 400')
})

t.test('what exists keeps its mode; only group and other bits count as open', async (t) => {
  const top = tempDir(t)
  const shared = join(top, 'shared')
  mkdirSync(shared)
  chmodSync(shared, 0o755)
  writeFileSync(join(shared, 'upc.db'), 'kept')
  chmodSync(join(shared, 'upc.db'), 0o604)
  makePrivateDir(join(shared, 'store'))
  createPrivateFile(join(shared, 'upc.db'))
  t.equal(mode(shared), 0o755, 'an existing folder is left alone')
  t.equal(mode(join(shared, 'store')), 0o700, 'the one made in it is 700')
  t.equal(mode(join(shared, 'upc.db')), 0o604, 'an existing file is left alone')
  writeFileSync(join(top, 'owner-only'), '', { mode: 0o600 })
  chmodSync(join(top, 'owner-only'), 0o700)
  writeFileSync(join(top, 'group-write'), '')
  chmodSync(join(top, 'group-write'), 0o620)
  t.same(openToOthers([shared, join(shared, 'upc.db'), join(shared, 'store'), join(top, 'owner-only'), join(top, 'group-write'), join(top, 'absent')]), [
    { path: shared, mode: '0755' },
    { path: join(shared, 'upc.db'), mode: '0604' },
    { path: join(top, 'group-write'), mode: '0620' }
  ])
})
