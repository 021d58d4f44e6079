import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import t from 'tap'
import { createKeyHasher, createMatchTokens, logHashOf } from '../../src/domain/key-hash.js'
import { kindOfKey, strengthOfKey } from '../../src/domain/block-index.js'

t.test('the keyed hash is HMAC-SHA-256 (truncated), for any key length and any text', async (t) => {
  for (const key of [Buffer.alloc(32, 7), Buffer.alloc(64, 1), Buffer.alloc(100, 9), Buffer.from('short')]) {
    const hasher = createKeyHasher(key)
    for (const text of ['p:+447700900123', 'e:jöhn@xn--bcher-kva.example', 'a:LS14AP|14|*', '']) {
      t.equal(hasher(text), createHmac('sha256', key).update(text).digest('hex').slice(0, 24))
    }
  }
  t.not(createKeyHasher(Buffer.alloc(32, 1))('p:+447700900123'), createKeyHasher(Buffer.alloc(32, 2))('p:+447700900123'), 'another key, another hash')
})

t.test('a match token is the kind letter and 128 bits of the same HMAC; its prefix is the log hash', async (t) => {
  const key = Buffer.alloc(32, 7)
  const token = createMatchTokens(key)
  for (const [text, kind] of [['p:+447700900123', 'p'], ['pd:1234', 'p'], ['e:a@example.org', 'e'], ['e?:junk', 'e'], ['a:LS14AP|14|*', 'a'], ['sp:ACACIA AVENUE|LEEDS|14|*', 'a']] as const) {
    const made = token(text)
    t.equal(made, kind + createHmac('sha256', key).update(text).digest('hex').slice(0, 32))
    t.equal(kindOfKey(made), kindOfKey(text), 'the index reads the same kind from the token')
    t.equal(logHashOf(made), createKeyHasher(key)(text), 'one HMAC serves the look-up and the log')
  }
})

t.test('a probable key keeps its kind in an upper-case letter; the index reads both from the token', async (t) => {
  const key = Buffer.alloc(32, 7)
  const token = createMatchTokens(key)
  for (const [text, letter, kind] of [['~a:LS14AP|8|S:ASH', 'A', 'address'], ['~p:+447700900123', 'P', 'phone'], ['~e:a@example.org', 'E', 'email']] as const) {
    const made = token(text)
    t.equal(made, letter + createHmac('sha256', key).update(text).digest('hex').slice(0, 32))
    t.equal(kindOfKey(made), kind)
    t.equal(kindOfKey(text), kind)
    t.equal(strengthOfKey(made), 'probable')
    t.equal(strengthOfKey(text), 'probable')
  }
  t.equal(strengthOfKey(token('a:LS14AP|8|*')), 'exact')
  t.equal(strengthOfKey('a:LS14AP|8|*'), 'exact')
})

t.test('property: the reused buffers give createHmac for any text, of any length, in any order', async (t) => {
  const key = Buffer.alloc(32, 5)
  const hasher = createKeyHasher(key)
  const tokens = createMatchTokens(key)
  // 'binary' units include lone surrogates, which UTF-8 writes as U+FFFD, as Buffer.from does
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ maxLength: 600 }),
    fc.string({ unit: fc.constantFrom('a', 'é', '\u20AC', '\uD83D\uDE00', '|'), minLength: 50, maxLength: 400 })
  )
  fc.assert(fc.property(text, (raw) => {
    const expected = createHmac('sha256', key).update(raw).digest('hex')
    return hasher(raw) === expected.slice(0, 24) && tokens(raw).slice(1) === expected.slice(0, 32)
  }), { numRuns: 100_000 })
  t.pass('held')
})
