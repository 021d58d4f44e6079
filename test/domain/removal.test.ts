import t from 'tap'
import { removalKind, removalThreshold } from '../../src/domain/removal.js'
import type { BlockShape } from '../../src/domain/removal.js'

const NOW = Date.parse('2026-12-07T12:00:00Z')
const HOUR = 60 * 60 * 1000
const block = (over: Partial<BlockShape> = {}): BlockShape => ({
  status: 'active', scope: 'establishment', prisoner: null, effectiveFrom: null, expiresAt: null, addressMode: 'whole', protectedPerson: null, keys: new Set(['k1', 'k2']), ...over
})

t.test('the threshold: maxRemovals or percent of the hub blocks held here, rounded up, whichever is smaller', async (t) => {
  t.equal(removalThreshold(25, 10, 100), 10)
  t.equal(removalThreshold(25, 10, 101), 11, '10.1 rounds up')
  t.equal(removalThreshold(25, 10, 300), 25, 'the cap')
  t.equal(removalThreshold(25, 10, 3), 1, 'a few blocks: one removal still flows')
  t.equal(removalThreshold(25, 10, 0), 1)
  t.equal(removalThreshold(0, 10, 1000), 0, '0: every removal waits for a person')
  t.equal(removalThreshold(25, 100, 7), 7)
})

t.test('what takes a block off, and what does not', async (t) => {
  const held = block({ expiresAt: NOW + 48 * HOUR })
  const cases: Array<[string, BlockShape | null, BlockShape | null, string | null]> = [
    ['remove', held, null, 'remove'],
    ['lift', held, block({ status: 'lifted', expiresAt: NOW + 48 * HOUR }), 'lift'],
    ['ends sooner, still in the future', held, block({ expiresAt: NOW + 47 * HOUR }), 'expiry'],
    ['ends where it did not', block(), block({ expiresAt: NOW + 1000 * HOUR }), 'expiry'],
    ['starts later', held, block({ expiresAt: NOW + 48 * HOUR, effectiveFrom: NOW + HOUR }), 'start'],
    ['one prisoner, not all', held, block({ expiresAt: NOW + 48 * HOUR, scope: 'prisoner', prisoner: 'A1234BC' }), 'scope'],
    ['another prisoner', block({ scope: 'prisoner', prisoner: 'A1234BC' }), block({ scope: 'prisoner', prisoner: 'B2345CD' }), 'scope'],
    ['a key dropped', block(), block({ keys: new Set(['k1']) }), 'details'],
    ['whole to named', block(), block({ addressMode: 'named', protectedPerson: 'Jane Doe' }), 'address_mode'],
    ['named, another person', block({ addressMode: 'named', protectedPerson: 'Jane Doe' }), block({ addressMode: 'named', protectedPerson: 'Sam Doe' }), 'address_mode'],
    ['the same', block(), block(), null],
    ['a key added', block(), block({ keys: new Set(['k1', 'k2', 'k3']) }), null],
    ['ends later', held, block({ expiresAt: NOW + 96 * HOUR }), null],
    ['ends no more', held, block(), null],
    ['a start moved, still in the past', block(), block({ effectiveFrom: NOW - HOUR }), null],
    ['national to this establishment', block({ scope: 'national' }), block(), null],
    ['named to whole', block({ addressMode: 'named', protectedPerson: 'Jane Doe' }), block(), null],
    ['not held here', null, null, null],
    ['lifted already', block({ status: 'lifted' }), null, null],
    ['expired already', block({ expiresAt: NOW - HOUR }), null, null],
    ['a block still to start is a block', block({ effectiveFrom: NOW + HOUR }), null, 'remove']
  ]
  for (const [what, before, next, kind] of cases) t.equal(removalKind(before, next, NOW), kind, what)
})
