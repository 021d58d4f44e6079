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

t.test('keys given as spans of a shared text match as the same keys given as an array', async (t) => {
  const text = '"x"["p1","e:a@example.org"]\n"y"["a:LS14AP|14|*"]'
  const spans = new Int32Array([5, 7, 10, 25, 33, 46])
  const index = createBlockIndex()
  index.load([stored('x', { text, spans, first: 0, count: 2 }), stored('y', { text, spans, first: 2, count: 1 }), stored('z', ['p1'])])
  t.equal(index.keyCount, 4)
  t.same(idsFor(index, 'p1'), ['x', 'z'])
  t.same(idsFor(index, 'e:a@example.org'), ['x'])
  t.same(idsFor(index, 'a:LS14AP|14|*'), ['y'])
  t.same(idsFor(index, 'p'), [])
})

/** Entries sharing keys, so that a key meets several entries and the order they are met in shows. */
const many = (n: number, tag = '') => Array.from({ length: n }, (_, i) => stored(`id-${i}`, [`p${i % 4999}`, `e${i}${tag}`, `a${(i * 7) % 1013}`]))
const allMatches = (index: ReturnType<typeof createBlockIndex>, n: number) =>
  Array.from({ length: n }, (_, i) => index.lookup([`p${i % 4999}`, `e${i}`, `e${i}-again`, `a${i % 1013}`], here).map((m) => `${m.entryId}/${m.kind}`).join(' '))
/** The first lookup whose matches differ, or -1 (tap's deep comparison of 40,000 strings takes minutes). */
const firstDifference = (a: string[], b: string[]) => a.length !== b.length ? -2 : a.findIndex((x, i) => x !== b[i])

t.test('a load into an empty index gives the matches, in the same order, that putting the entries one by one does', async (t) => {
  const n = 20_000
  const loaded = createBlockIndex()
  loaded.reserve(n, 0)
  loaded.load(many(n))
  const one = createBlockIndex()
  for (const entry of many(n)) one.upsert({ ...entry, keys: entry.keys as string[] })
  t.equal(loaded.size, n)
  t.equal(loaded.keyCount, n * 3)
  t.equal(firstDifference(allMatches(loaded, n), allMatches(one, n)), -1, 'the same matches in the same order')
  // Then both go on alike: upserts (to reused slots, through tombstones and growth) and removes.
  for (const index of [loaded, one]) {
    for (let i = 0; i < n; i += 3) index.remove(`id-${i}`)
    for (let i = 0; i < n; i += 2) index.upsert({ ...stored(`id-${i}`, [`p${i % 4999}`, `e${i}-again`]), keys: [`p${i % 4999}`, `e${i}-again`] })
    for (let i = n; i < n * 2; i++) index.upsert({ ...stored(`id-${i}`, [`p${i % 4999}`]), keys: [`p${i % 4999}`] })
  }
  t.equal(loaded.size, one.size)
  t.equal(loaded.keyCount, one.keyCount)
  // The same matches; the order in which one lookup meets several entries holding one key may now
  // differ, as it did before between one-by-one puts and a rebuild: a new key takes the first free
  // or tombstoned cell from its home, and where tombstones lie depends on where keys were placed.
  const sorted = (list: string[]) => list.map((line) => line.split(' ').sort().join(' '))
  t.equal(firstDifference(sorted(allMatches(loaded, n * 2)), sorted(allMatches(one, n * 2))), -1, 'and after the same changes')
  t.ok(loaded.has('id-2') && !loaded.has('id-3') && loaded.has(`id-${n * 2 - 1}`))
})

t.test('an id met twice in one load, and a load into an index that holds entries, end as upserts would', async (t) => {
  const index = createBlockIndex()
  const one = createBlockIndex()
  const first = [stored('a', ['p1', 'p2']), stored('b', ['p1']), stored('a', ['p3']), stored('c', ['p1'])]
  index.load(first)
  for (const entry of first) one.upsert({ ...entry, keys: entry.keys as string[] })
  t.equal(index.size, 3)
  t.equal(index.keyCount, 3)
  // c took the cell a left: met first, as one by one.
  t.same(idsFor(index, 'p1'), ['c', 'b'])
  t.same(idsFor(one, 'p1'), ['c', 'b'])
  t.same(idsFor(index, 'p2'), [])
  t.same(idsFor(index, 'p3'), ['a'])
  index.load([stored('d', ['p1']), stored('b', ['p4'])])
  t.equal(index.version, 2)
  t.same(idsFor(index, 'p1'), ['c', 'd'])
  t.same(idsFor(index, 'p4'), ['b'])
  t.equal(index.size, 4)
})

t.test('a load that fails part way leaves the entries read so far findable', async (t) => {
  const index = createBlockIndex()
  t.throws(() => index.load([stored('a', ['p1']), stored('b', '["p2",')]), SyntaxError)
  t.same(idsFor(index, 'p1'), ['a'])
  t.equal(index.size, 1)
})
