import t from 'tap'
import { createBlockIndex } from '../../src/domain/block-index.js'
import type { StoredIndexEntry } from '../../src/domain/block-index.js'

const here = { prisoner: 'A1234BC', establishment: 'HLI', now: 1000 }
const stored = (id: string, keys: StoredIndexEntry['keys']): StoredIndexEntry => ({
  id, scope: 'establishment', prisoner: null, establishment: 'HLI', effectiveFrom: null, expiresAt: null, keys, addressMode: 'whole', protectedName: null
})
const idsFor = (index: ReturnType<typeof createBlockIndex>, key: string) => index.lookup([key], here).map((m) => m.entryId)

t.test('keys loaded as the store\'s JSON text match as the same keys given as an array', async (t) => {
  const keys = ['p0123456789abcdef0123456789abcdef', 'a:LS14AP|14|*', 'e:a@example.org']
  const texts = [
    JSON.stringify(keys), // the usual form: read by range
    '[ "p0123456789abcdef0123456789abcdef", "a:LS14AP|14|*",\n"e:a@example.org" ]', // spaces: parsed
    '["p0123456789abcdef0123456789abcdef","a:LS14AP|14|*","e:a@exam\\u0070le.org"]' // an escape: parsed
  ]
  for (const [n, text] of texts.entries()) {
    const index = createBlockIndex()
    index.load([stored('text', text), stored('array', keys)])
    t.equal(index.keyCount, 6, `text ${n}: every key placed`)
    for (const key of keys) t.same(idsFor(index, key).sort(), ['array', 'text'], `text ${n}: ${key}`)
    t.same(idsFor(index, 'p0123456789abcdef0123456789abcde'), [], `text ${n}: a shorter key is another key`)
  }
})

t.test('an empty array places nothing, and one reused entry object loads many entries', async (t) => {
  const index = createBlockIndex()
  const entry = stored('', '[]')
  index.load((function * () {
    yield entry
    for (const id of ['x1', 'x2']) {
      entry.id = id
      entry.keys = `["p-${id}"]`
      yield entry
    }
  })())
  t.equal(index.size, 3)
  t.equal(index.keyCount, 2)
  t.same(idsFor(index, 'p-x1'), ['x1'])
  t.same(idsFor(index, 'p-x2'), ['x2'])
})

t.test('text that is not a JSON array of strings fails the load as JSON.parse does', async (t) => {
  for (const text of ['["p1",', '["p1"]x', '[p1]', '["p1""p2"]', '["p1\t"]']) {
    t.throws(() => createBlockIndex().load([stored('bad', text)]), SyntaxError, text)
  }
})
