import t from 'tap'
import { appliesTo, createBlockIndex, inForce, kindOfKey } from '../../src/domain/block-index.js'
import type { IndexEntry } from '../../src/domain/block-index.js'
import { parsePersonName } from '../../src/domain/person-name.js'

const entry = (overrides: Partial<IndexEntry>): IndexEntry => ({
  id: 'e1',
  scope: 'establishment',
  prisoner: null,
  establishment: 'HLI',
  effectiveFrom: null,
  expiresAt: null,
  keys: ['p:+447700900123'],
  addressMode: 'whole',
  protectedName: null,
  ...overrides
})
const here = { prisoner: 'A1234BC', establishment: 'HLI', now: 1000 }

t.test('kind of a key comes from its prefix', async (t) => {
  t.equal(kindOfKey('p:+447700900123'), 'phone')
  t.equal(kindOfKey('pd:1234'), 'phone')
  t.equal(kindOfKey('e:a@example.org'), 'email')
  t.equal(kindOfKey('e?:junk'), 'email')
  t.equal(kindOfKey('a:LS14AP|14|*'), 'address')
  t.equal(kindOfKey('sp:ACACIA AVENUE|LEEDS|14|*'), 'address')
  t.equal(kindOfKey('a?:FOO'), 'address')
})

t.test('in force from effectiveFrom (inclusive) until expiresAt (exclusive)', async (t) => {
  const e = entry({ effectiveFrom: 100, expiresAt: 200 })
  t.notOk(inForce(e, 99))
  t.ok(inForce(e, 100))
  t.ok(inForce(e, 199))
  t.notOk(inForce(e, 200))
  t.ok(inForce(entry({}), 0), 'no dates: always')
})

t.test('scope decides who is blocked', async (t) => {
  t.ok(appliesTo(entry({ scope: 'national', establishment: 'LEI' }), here))
  t.ok(appliesTo(entry({ scope: 'establishment' }), here))
  t.notOk(appliesTo(entry({ scope: 'establishment', establishment: 'LEI' }), here))
  t.ok(appliesTo(entry({ scope: 'prisoner', prisoner: 'A1234BC', establishment: 'LEI' }), here), 'a prisoner block follows the prisoner')
  t.notOk(appliesTo(entry({ scope: 'prisoner', prisoner: 'B2345CD' }), here))
})

t.test('a match met only through probable keys is probable; any exact key makes it exact', async (t) => {
  const index = createBlockIndex()
  index.upsert(entry({ id: 'e1', keys: ['a:LS14AP|8|*', '~a:LS14AP|8|S:ASH'] }))
  const probable = [{ entryId: 'e1', scope: 'establishment', kind: 'address', strength: 'probable' }]
  const exact = [{ entryId: 'e1', scope: 'establishment', kind: 'address', strength: 'exact' }]
  t.same(index.lookup(['~a:LS14AP|8|S:ASH'], here), probable)
  t.same(index.lookup(['~a:LS14AP|8|S:ASH', 'a:LS14AP|8|*'], here), exact, 'exact after probable')
  t.same(index.lookup(['a:LS14AP|8|*', '~a:LS14AP|8|S:ASH'], here), exact, 'probable after exact')
})

t.test('upsert, lookup and remove keep the index in step without a rebuild', async (t) => {
  const index = createBlockIndex()
  t.equal(index.version, 0)
  index.upsert(entry({ id: 'e1', keys: ['p:+447700900123', 'e:a@example.org'] }))
  index.upsert(entry({ id: 'e2', keys: ['p:+447700900123'] }))
  t.equal(index.size, 2)
  t.equal(index.version, 2)
  t.same(index.lookup(['p:+447700900123', 'pd:447700900123'], here), [
    { entryId: 'e1', scope: 'establishment', kind: 'phone', strength: 'exact' },
    { entryId: 'e2', scope: 'establishment', kind: 'phone', strength: 'exact' }
  ])
  t.same(index.lookup(['e:a@example.org', 'e:a@example.org'], here), [{ entryId: 'e1', scope: 'establishment', kind: 'email', strength: 'exact' }], 'one match per entry and kind')
  // An upsert of the same id replaces its keys.
  index.upsert(entry({ id: 'e1', keys: ['e:b@example.org'] }))
  t.same(index.lookup(['e:a@example.org'], here), [])
  t.same(index.lookup(['p:+447700900123'], here).map((m) => m.entryId), ['e2'])
  t.ok(index.remove('e2'))
  t.notOk(index.remove('e2'), 'a second remove changes nothing')
  t.same(index.lookup(['p:+447700900123'], here), [])
  t.equal(index.keyCount, 1, 'keys with no entry left are dropped')
  t.equal(index.size, 1)
})

t.test('load puts many entries in as one version step', async (t) => {
  const index = createBlockIndex()
  index.load([entry({ id: 'a' }), entry({ id: 'b' }), entry({ id: 'c', keys: ['e:x@example.org'] })])
  t.equal(index.version, 1)
  t.equal(index.size, 3)
  t.equal(index.lookup(['p:+447700900123'], here).length, 2)
})

t.test('a named-mode entry holds address matches only for its protected person, or for nobody by name', async (t) => {
  const index = createBlockIndex()
  const named = entry({
    id: 'named',
    keys: ['a:LS14AP|14|*', 'p:+447700900123'],
    addressMode: 'named',
    protectedName: parsePersonName('Jane Doe')
  })
  index.upsert(named)
  const letter = (recipient?: string) => index.lookup(['a:LS14AP|14|*'], { ...here, recipient })
  t.same(letter('Mrs J Doe'), [{ entryId: 'named', scope: 'establishment', kind: 'address', strength: 'exact' }])
  t.same(letter(undefined).length, 1, 'no recipient: held, to be safe')
  t.same(letter(''), [{ entryId: 'named', scope: 'establishment', kind: 'address', strength: 'exact' }], 'blank: held')
  t.same(letter('The Occupier').length, 1, 'names nobody: held')
  t.same(letter('Master Sam Doe'), [], 'someone else at the address: the letter goes')
  t.same(index.lookup(['p:+447700900123'], { ...here, recipient: 'Master Sam Doe' }).length, 1, 'phones and emails of the entry block whatever the recipient')

  const whole = entry({ id: 'whole', keys: ['a:LS14AP|14|*'] })
  index.upsert(whole)
  t.same(letter('Master Sam Doe').map((m) => m.entryId), ['whole'], 'a whole-address block holds every letter')
})

t.test('a named-mode entry reads the names written in the address as well as the recipient', async (t) => {
  const index = createBlockIndex()
  index.upsert(entry({ id: 'named', keys: ['a:LS14AP|14|*'], addressMode: 'named', protectedName: parsePersonName('Jane Doe') }))
  const letter = (recipient: string | undefined, named: string[], possible: string[]) =>
    index.lookup(['a:LS14AP|14|*'], { ...here, recipient, addressNames: () => ({ named, possible }) }).length
  t.equal(letter('John Brown', ['MRS JANE DOE'], []), 1, 'the address names her though the recipient is someone else: held')
  t.equal(letter(undefined, ['JOHN BROWN'], []), 0, 'no recipient, the address names someone else: the letter goes')
  t.equal(letter(undefined, [], ['ROSE COTTAGE']), 1, 'nobody named (a line that may be a house name): held')
  t.equal(letter('John Brown', [], ['JANE DOE']), 1, 'a line that may be her name: held')
  t.equal(letter('John Brown', [], ['ROSE COTTAGE']), 0, 'a house name beside someone else: the letter goes')
  t.equal(letter('The Occupier', [], []), 1, 'names nobody: held')
  t.equal(letter('The Occupier', ['MR SAM DOE'], []), 1, 'to whoever lives there, though the address names someone else: held')
  t.equal(letter('  ', ['MR SAM DOE'], []), 0, 'a blank recipient field leaves the address\'s names to decide')
})

t.test('explain lists every key that met, and what met but did not block', async (t) => {
  const index = createBlockIndex()
  index.upsert(entry({ id: 'a', keys: ['a:LS14AP|14|*', 'sp:ACACIA AVENUE|LEEDS|14|*'] }))
  index.upsert(entry({ id: 'b', keys: ['a:LS14AP|14|*'], addressMode: 'named', protectedName: parsePersonName('Jane Doe') }))
  index.upsert(entry({ id: 'c', keys: ['a:LS14AP|14|*'], effectiveFrom: 5000 }))
  index.upsert(entry({ id: 'd', keys: ['a:LS14AP|14|*'], scope: 'prisoner', prisoner: 'Z9999ZZ' }))
  const out = index.explain(['a:LS14AP|14|*', 'sn:ACACIA AVENUE|LEEDS|14|*', 'a:LS14AP|14|*'], { ...here, recipient: 'Sam Doe' })
  t.same(out.matches, [{ entryId: 'a', scope: 'establishment', kind: 'address', strength: 'exact', key: 'a:LS14AP|14|*', addressMode: 'whole' }])
  t.same(out.setAside, [
    { entryId: 'b', scope: 'establishment', kind: 'address', strength: 'exact', key: 'a:LS14AP|14|*', addressMode: 'named', why: 'recipient_differs' },
    { entryId: 'c', scope: 'establishment', kind: 'address', strength: 'exact', key: 'a:LS14AP|14|*', addressMode: 'whole', why: 'not_in_force' }
  ], 'another prisoner\'s entry (d) is not shown')
})

/**
 * The packed index against a plain model of the rules (a list of entries, scanned): any sequence of
 * upserts and removes, through growth, tombstones and rebuilds, must give the same matches.
 */
t.test('the packed index agrees with a plain model over random upserts, removes and lookups', async (t) => {
  const { default: fc } = await import('fast-check')
  const keyArb = fc.constantFrom(...Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `p:+4477009${String(i).padStart(5, '0')}` : i % 3 === 1 ? `e:person${i}@example.org` : `a:LS14AP|${i}|*`)))
  const entryArb = fc.record({
    id: fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `id-${i}`)),
    scope: fc.constantFrom('prisoner' as const, 'establishment' as const, 'national' as const),
    prisoner: fc.constantFrom('A1234BC', 'B2345CD'),
    establishment: fc.constantFrom('HLI', 'LEI'),
    effectiveFrom: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
    expiresAt: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
    keys: fc.array(keyArb, { minLength: 1, maxLength: 6 })
  })
  const op = fc.oneof(
    entryArb.map((entry) => ({ kind: 'upsert' as const, entry })),
    fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `id-${i}`)).map((id) => ({ kind: 'remove' as const, id })),
    fc.record({ keys: fc.array(keyArb, { minLength: 1, maxLength: 4 }), prisoner: fc.constantFrom('A1234BC', 'B2345CD', 'Z9999ZZ'), establishment: fc.constantFrom('HLI', 'LEI'), now: fc.integer({ min: 0, max: 2000 }) })
      .map((query) => ({ kind: 'lookup' as const, query }))
  )
  fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 300 }), (ops) => {
    const index = createBlockIndex()
    const model = new Map<string, IndexEntry>()
    for (const o of ops) {
      if (o.kind === 'upsert') {
        const e: IndexEntry = { ...o.entry, prisoner: o.entry.scope === 'prisoner' ? o.entry.prisoner : null, addressMode: 'whole', protectedName: null }
        index.upsert(e)
        model.delete(e.id)
        model.set(e.id, e)
      } else if (o.kind === 'remove') {
        if (index.remove(o.id) !== model.delete(o.id)) return false
      } else {
        const context = o.query
        const expected = new Set<string>()
        for (const key of context.keys) {
          for (const e of model.values()) {
            if (e.keys.includes(key) && inForce(e, context.now) && appliesTo(e, context)) expected.add(`${e.id} ${kindOfKey(key)}`)
          }
        }
        const got = new Set(index.lookup(context.keys, context).map((m) => `${m.entryId} ${m.kind}`))
        if (got.size !== expected.size || [...got].some((g) => !expected.has(g))) return false
      }
      if (index.size !== model.size) return false
    }
    return true
  }), { numRuns: 300 })
  t.pass('agrees')
})

t.test('growth past many rebuilds keeps every entry findable', async (t) => {
  const index = createBlockIndex()
  const here = { prisoner: 'A1234BC', establishment: 'HLI', now: 1 }
  const n = 30_000
  for (let i = 0; i < n; i++) index.upsert(entry({ id: `g${i}`, keys: [`p:+44770${i}`, `e:g${i}@example.org`] }))
  for (let i = 0; i < n; i += 2) index.remove(`g${i}`)
  for (let i = 0; i < n; i += 4) index.upsert(entry({ id: `g${i}`, keys: [`p:+44770${i}`] }))
  t.equal(index.size, n / 2 + n / 4)
  let found = 0
  let wrong = 0
  for (let i = 0; i < n; i++) {
    const hits = index.lookup([`p:+44770${i}`], here).length
    const expected = i % 2 === 1 || i % 4 === 0 ? 1 : 0
    if (hits === expected) found++
    else wrong++
  }
  t.equal(wrong, 0)
  t.equal(found, n)
  t.equal(index.keyCount, (n / 2) * 2 + n / 4)
})

t.test('holds: whether any entry, in force or not, stores a key; gone once the entry is removed', async (t) => {
  const index = createBlockIndex()
  t.notOk(index.holds('p:+447700900123'), 'an empty index holds nothing')
  index.upsert(entry({ keys: ['p:+447700900123', '~a:LS14AP|14|-|*S'], expiresAt: 500 }))
  t.ok(index.holds('~a:LS14AP|14|-|*S'))
  t.ok(index.holds('p:+447700900123'), 'expired at the time of a check or not: holds does not ask the time')
  t.notOk(index.holds('~a:LS14AP|16|-|*S'))
  index.remove('e1')
  t.notOk(index.holds('~a:LS14AP|14|-|*S'), 'a removed entry holds nothing')
})
