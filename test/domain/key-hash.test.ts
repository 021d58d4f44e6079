import { createHmac } from 'node:crypto'
import t from 'tap'
import { createKeyHasher } from '../../src/domain/key-hash.js'

t.test('the keyed hash is HMAC-SHA-256 (truncated), for any key length and any text', async (t) => {
  for (const key of [Buffer.alloc(32, 7), Buffer.alloc(64, 1), Buffer.alloc(100, 9), Buffer.from('short')]) {
    const hasher = createKeyHasher(key)
    for (const text of ['p:+447700900123', 'e:jöhn@xn--bcher-kva.example', 'a:LS14AP|14|*', '']) {
      t.equal(hasher(text), createHmac('sha256', key).update(text).digest('hex').slice(0, 24))
    }
  }
  t.not(createKeyHasher(Buffer.alloc(32, 1))('p:+447700900123'), createKeyHasher(Buffer.alloc(32, 2))('p:+447700900123'), 'another key, another hash')
})
