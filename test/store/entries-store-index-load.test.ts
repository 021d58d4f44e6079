import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { dataKey } from '../../src/domain/sealed-value.js'
import type { KeySpans } from '../../src/domain/block-index.js'
import { createSealer } from '../../src/services/at-rest.js'
import { openDatabase } from '../../src/store/db.js'
import { codePointLess, createEntriesStore, scanChunk } from '../../src/store/entries-store.js'
import type { ActiveEntryRow, ChunkKeys } from '../../src/store/entries-store.js'
import { migrate } from '../../src/store/migrations.js'
import { tempDir } from '../helper.js'

const key = dataKey(Buffer.alloc(32, 7))

function store (t: Test) {
  const db = openDatabase(join(tempDir(t), 's.db'))
  t.teardown(() => db.close())
  migrate(db)
  const entry = db.prepare(`INSERT INTO entries (id, scope, prisoner, establishment, status, reason, created_by, created_at, lifted_at, effective_from, expires_at)
    VALUES (?, ?, ?, 'HLI', ?, 'r', 'test', 1, ?, ?, ?)`)
  const detail = db.prepare(`INSERT INTO entry_details (entry_id, kind, position, raw, match_keys) VALUES (?, ?, ?, 'sealed', ?)`)
  return {
    db,
    entries: createEntriesStore(db, createSealer(db, key, [key])),
    add (id: string, details: string[], { lifted = false, scope = 'establishment' } = {}) {
      entry.run(id, scope, scope === 'prisoner' ? 'A1234BC' : null, lifted ? 'lifted' : 'active', lifted ? 2 : null, null, id.length % 2 === 0 ? null : 5000)
      details.forEach((keys, n) => detail.run(id, (['phone', 'email', 'address'] as const)[n % 3], n, keys))
    }
  }
}

/** What the load must see: active entries in id order, each with every key of its details (kind, position order), none without keys. */
function expected (db: ReturnType<typeof openDatabase>): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = []
  const rows = db.prepare(`SELECT e.id, d.match_keys FROM entries e JOIN entry_details d ON d.entry_id = e.id
    WHERE e.status = 'active' AND d.match_keys <> '[]' ORDER BY e.id, d.kind, d.position`).raw(true).all() as Array<[string, string]>
  for (const [id, keys] of rows) {
    const last = out[out.length - 1]
    if (last !== undefined && last[0] === id) last[1].push(...JSON.parse(keys) as string[])
    else out.push([id, JSON.parse(keys) as string[]])
  }
  return out
}

const keysOf = (keys: string | KeySpans): string[] => typeof keys === 'string'
  ? JSON.parse(keys) as string[]
  : Array.from({ length: keys.count }, (_, k) => keys.text.slice(keys.spans[(keys.first + k) * 2], keys.spans[(keys.first + k) * 2 + 1]))

function loaded (entries: ReturnType<typeof createEntriesStore>): Array<[string, string[]]> {
  // Each row read before the next: its keys' spans are refilled for the next row.
  const out: Array<[string, string[]]> = []
  entries.snapshot(() => { for (const row of entries.activeWithKeys()) out.push([row[0], keysOf(row[8])]) })
  return out
}

t.test('the load reads every active entry with every key of its details, over many chunks', async (t) => {
  const s = store(t)
  let n = 0
  const token = () => `p${(n++).toString(16).padStart(32, '0')}`
  s.db.transaction(() => {
    for (let i = 0; i < 9000; i++) {
      const details = Array.from({ length: 1 + (i % 4) }, (_, d) => d === 1 && i % 5 === 0 ? '[]' : JSON.stringify(Array.from({ length: 1 + ((i + d) % 3) }, token)))
      // Lifted entries keep their details; some active entries have none, or only empty arrays.
      s.add(randomUUID(), i % 17 === 0 ? [] : i % 23 === 0 ? ['[]'] : details, { lifted: i % 7 === 0, scope: i % 3 === 0 ? 'prisoner' : 'establishment' })
    }
  })()
  const want = expected(s.db)
  t.ok(want.length > 6000, `${want.length} entries with keys`)
  const got = loaded(s.entries)
  t.equal(got.length, want.length)
  // Compared as text: tap's deep comparison of thousands of rows takes minutes.
  const differs = got.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(want[i]))
  t.equal(differs, -1, 'the same entries and keys, in the same order')
  if (differs >= 0) t.comment(JSON.stringify([got[differs], want[differs], got[differs + 1], want[differs + 1]]))
  t.equal(s.entries.activeCount(), 9000 - Math.ceil(9000 / 7))
  // The other columns, as the index reads them.
  const first = s.entries.snapshot(() => s.entries.activeWithKeys().next().value) as NonNullable<ReturnType<ReturnType<typeof s.entries.activeWithKeys>['next']>['value']>
  const row = s.db.prepare('SELECT id, scope, prisoner, establishment, effective_from, expires_at, address_mode FROM entries WHERE id = ?').raw(true).get(first[0])
  t.same(first.slice(0, 7), row)
  t.equal(s.db.inTransaction, false, 'the snapshot\'s read transaction ends with it, even for a load not read to its end')
})

t.test('ids and keys that JSON escapes, or keys not written as JSON.stringify writes them, load the same', async (t) => {
  const s = store(t)
  const ids = ['', 'a"b', 'a\\b', 'a\nb', 'a[b', 'a]b', 'é', '😀', '\uffff', 'z"["p1']
  s.db.transaction(() => {
    ids.forEach((id, i) => s.add(id, [JSON.stringify([`p${i}`, `e${i}`]), `["a${i}"]`]))
    s.add('b-lifted', ['["p1"]'], { lifted: true })
    s.add('c-spaces', ['[ "p-c" , "e-c" ]', '["a\\u0041"]'])
    s.add('d-newline', ['["p-d",\n"e-d"]', '["a-d"]'])
    s.add('e-control', [JSON.stringify(['p\u0001', 'e\t'])])
    s.add('f-plain', ['["p-f"]'])
  })()
  t.same(loaded(s.entries), expected(s.db))
  t.equal(loaded(s.entries).length, ids.length + 4, "every active entry, the lifted one left out")
})

t.test('a snapshot inside the caller\'s own transaction reads in it and leaves it open', async (t) => {
  const s = store(t)
  s.add('x', ['["p1"]'])
  s.db.transaction(() => {
    s.add('y', ['["p2"]'])
    t.same(loaded(s.entries), [['x', ['p1']], ['y', ['p2']]], 'sees the transaction\'s own write')
    t.equal(s.db.inTransaction, true)
  })()
  t.equal(s.db.inTransaction, false)
})

t.test('every chunk of a load in a snapshot sees the store as it was when the load began', async (t) => {
  const s = store(t)
  s.db.transaction(() => { for (let i = 0; i < 5000; i++) s.add(`id-${String(i).padStart(5, '0')}`, [`["p${i}"]`]) })()
  const second = openDatabase(s.db.name)
  t.teardown(() => second.close())
  let seen = 0
  s.entries.snapshot(() => {
    for (const row of s.entries.activeWithKeys()) {
      // Another connection lifts the last entry and drops a detail of the one before, mid-load.
      if (seen++ === 0) {
        second.prepare("UPDATE entries SET status = 'lifted', lifted_at = 3 WHERE id = 'id-04999'").run()
        second.prepare("DELETE FROM entry_details WHERE entry_id = 'id-04998'").run()
      }
      void row
    }
  })
  t.equal(seen, 5000, 'the load saw the store before the other connection\'s writes')
  t.equal(loaded(s.entries).length, 4998, 'a load after them sees them')
})

t.test('the chunk scanner reads the plain form and refuses anything else', async (t) => {
  const chunk = (): ChunkKeys => ({ spans: new Int32Array(2), first: new Int32Array(8), count: new Int32Array(8), records: new Int32Array(8) })
  const rows = (...ids: string[]) => ids.map((id) => [id, 'national', null, 'HLI', null, null, 'whole', null] as ActiveEntryRow)
  const spansOf = (text: string, c: ChunkKeys, r: number) => Array.from({ length: c.count[r] as number }, (_, k) => text.slice(c.spans[((c.first[r] as number) + k) * 2], c.spans[((c.first[r] as number) + k) * 2 + 1]))
  const text = '"a"["p1","e1"]\n"a"["a1"]\n"b"["p2"]\n"bb"["x"]\n"d"["p4"]'
  const c = chunk()
  t.ok(scanChunk(text, 5, rows('a', 'b', 'c', 'd'), c))
  t.same([0, 1, 2, 3].map((r) => spansOf(text, c, r)), [['p1', 'e1', 'a1'], ['p2'], [], ['p4']], 'bb is no row of the chunk: its keys are left out')
  t.same([...c.records.subarray(0, 4)], [2, 1, 0, 1])
  t.ok(scanChunk('"a"[]', 1, rows('a'), chunk()), 'an empty array')
  const refused: Array<[string, number, string[]]> = [
    ['"a"["p1"]', 2, ['a']], // SQLite counted two details: a line break inside a detail's text
    ['"a"["p1"]\n"a"["p2"]', 1, ['a']],
    ['"a"["p1"]\n', 1, ['a']],
    ['"a"["p\\u0031"]', 1, ['a']],
    ['"a\\"b"["p1"]', 1, ['a"b']],
    ['"a"[ "p1"]', 1, ['a']],
    ['"a"["p1",]', 1, ['a']],
    ['"a"["p1"', 1, ['a']],
    ['"a"["p\t"]', 1, ['a']],
    ['"a"p1', 1, ['a']],
    ['a["p1"]', 1, ['a']],
    ['"b"["p1"]\n"a"["p2"]', 2, ['a', 'b']], // lines out of order
    ['"a"["p1"]', 1, ['b', 'a']], // rows out of order
    ['"a"["p1"]', 1, ['a', 'a']],
    ['"a"["p1"]', 1, ['a"']] // an id with a quote: its line could not be told apart
  ]
  for (const [bad, records, ids] of refused) t.notOk(scanChunk(bad, records, rows(...ids), chunk()), JSON.stringify(bad))
})

t.test('ids compare as SQLite orders them: by code point, a character past U+FFFF after U+FFFF', async (t) => {
  const ordered = ['', 'a', 'ab', 'b', 'z', 'é', '\ud7ff', '\ue000', '\uffff', '😀', '😀a', '\u{10ffff}']
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      t.equal(codePointLess(ordered[i] as string, ordered[j] as string), i < j, `${i} < ${j}`)
    }
  }
  t.equal(Buffer.compare(Buffer.from('\uffff'), Buffer.from('😀')), -1, 'as their UTF-8 bytes do')
})
