import { createHash } from 'node:crypto'
import t from 'tap'
import { referenceCandidates, usualReference } from '../../src/domain/block-reference-id.js'
import { ENTRY_ID, formatReference, isWholeReference, readReference, referenceDigits } from '../../src/domain/block-reference.js'

/** Crockford's alphabet written out: digits, then the capitals without I, L, O and U. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** The reference rule done another way: the digest as one big number, 5 bits at a time from the top. */
function byBigInt (id: string, chars: number): string {
  const digest = createHash('sha256').update(id).digest()
  const n = BigInt(`0x${digest.toString('hex')}`) << 4n // 256 bits + 4 zero bits = 52 groups of 5
  let out = ''
  for (let i = 51; i >= 0; i--) out += CROCKFORD[Number((n >> BigInt(i * 5)) & 31n)]
  return out.slice(0, chars)
}

t.test('digits: 5 bits a character, most significant first, Crockford\'s alphabet', async (t) => {
  t.equal(referenceDigits(new Uint8Array([0, 0, 0, 0, 0])), '00000000')
  t.equal(referenceDigits(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff])), 'ZZZZZZZZ')
  // 00001 repeated eight times: 00001000 01000010 00010000 10000100 00100001
  t.equal(referenceDigits(new Uint8Array([0x08, 0x42, 0x10, 0x84, 0x21])), '11111111')
  // 0x80: 10000 000(00) padded: the last character carries the 3 bits left, then zeros
  t.equal(referenceDigits(new Uint8Array([0x80])), 'G0')
  t.equal(referenceDigits(new Uint8Array(32)).length, 52, '256 bits make 52 characters')
})

t.test('an entry\'s references: the start of the SHA-256 of its id, 8 characters, then 4 more at a time', async (t) => {
  const id = '0190f5a2-7c1e-7b3a-9d2e-4f6a8b0c1d2e'
  const candidates = referenceCandidates(id)
  t.same(candidates.map((c) => c.length), [8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52])
  t.same(candidates, candidates.map((c) => byBigInt(id, c.length)), 'the same as the rule done with BigInt')
  t.equal(usualReference(id), byBigInt(id, 8))
  for (const c of candidates) t.match(c, /^[0-9A-HJKMNP-TV-Z]+$/, 'never I, L, O or U')
})

t.test('shown in groups of four', async (t) => {
  t.equal(formatReference('K7QM4XRT'), 'K7QM-4XRT')
  t.equal(formatReference('K7QM4XRTPX3N'), 'K7QM-4XRT-PX3N')
  t.equal(formatReference('K7QM'), 'K7QM')
})

t.test('read as typed: any case, hyphens and spaces optional, O as 0, I and L as 1', async (t) => {
  t.equal(readReference('K7QM-4XRT'), 'K7QM4XRT')
  t.equal(readReference('k7qm4xrt'), 'K7QM4XRT')
  t.equal(readReference(' k7qm 4xrt '), 'K7QM4XRT')
  t.equal(readReference('AO1B-IL0o'), 'A01B1100')
  t.equal(readReference('l0ol'), '1001', 'the first group alone, to search by')
  t.equal(readReference('K7QM-4XRT-PX3N'), 'K7QM4XRTPX3N')
  t.equal(readReference('K7QU-4XRT'), null, 'U is in no reference')
  t.equal(readReference('K7Q'), null, 'fewer than 4 characters')
  t.equal(readReference('K7QM_4XRT'), null, 'punctuation other than a hyphen')
  t.equal(readReference('K'.repeat(53)), null, 'longer than the whole hash')
  t.equal(readReference(''), null)
})

t.test('whole references are 8, 12, ... 52 characters; entry ids are RFC 9562 text', async (t) => {
  t.same([4, 7, 8, 9, 12, 16, 48, 51, 52].map((n) => isWholeReference('A'.repeat(n))), [false, false, true, false, true, true, true, false, true])
  t.ok(ENTRY_ID.test('0190f5a2-7c1e-7b3a-9d2e-4f6a8b0c1d2e'))
  t.notOk(ENTRY_ID.test('0190F5A2-7C1E-7B3A-9D2E-4F6A8B0C1D2E'), 'ids are lower case')
  t.notOk(ENTRY_ID.test('0190f5a27c1e7b3a9d2e4f6a8b0c1d2e1234'), 'without its hyphens, 36 characters are no id')
})
