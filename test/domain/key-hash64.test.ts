import t from 'tap'
import { hash64 } from '../../src/domain/key-hash64.js'

t.test('64-bit key hash: stable, spread, and distinct on near keys', async (t) => {
  t.same(hash64('p:+447700900123'), hash64('p:+447700900123'))
  t.notSame(hash64('p:+447700900123'), hash64('p:+447700900132'))
  const seen = new Set<string>()
  for (let i = 0; i < 200_000; i++) seen.add(hash64(`p:+4477${String(i).padStart(8, '0')}`).join(':'))
  t.equal(seen.size, 200_000, 'no collision among 200,000 neighbouring numbers')
  const [hi, lo] = hash64('')
  t.ok(Number.isInteger(hi) && hi >= 0 && hi < 2 ** 32 && Number.isInteger(lo) && lo >= 0 && lo < 2 ** 32)
})
