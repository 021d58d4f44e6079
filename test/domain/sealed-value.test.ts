import { createDecipheriv, createHash } from 'node:crypto'
import t from 'tap'
import { SealedValueError, dataKey, keyIdOf, open, seal, sealedKeyId } from '../../src/domain/sealed-value.js'

const key = dataKey(Buffer.alloc(32, 5))
const other = dataKey(Buffer.alloc(32, 6))

t.test('a sealed value is AES-256-GCM with a fresh 96-bit nonce, the key id and the row bound in', async (t) => {
  const sealed = seal(key, '07700 900123', 'entry_details.raw|e1|phone|0')
  t.match(sealed, /^aes1:[0-9a-f]{16}:[A-Za-z0-9+/=]+$/)
  t.equal(sealedKeyId(sealed), key.id)
  t.equal(key.id, createHash('sha256').update(Buffer.concat([Buffer.from('upc-guard key id v1\0'), key.key])).digest('hex').slice(0, 16))
  t.not(seal(key, '07700 900123', 'entry_details.raw|e1|phone|0'), sealed, 'a new nonce each time')
  // Opened by hand with node's GCM: nonce 12 bytes, then ciphertext, then the 16-byte tag.
  const bytes = Buffer.from(sealed.split(':')[2] as string, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, 12))
  decipher.setAAD(Buffer.from('entry_details.raw|e1|phone|0'))
  decipher.setAuthTag(bytes.subarray(bytes.length - 16))
  t.equal(Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString(), '07700 900123')
  t.equal(open([other, key], sealed, 'entry_details.raw|e1|phone|0'), '07700 900123', 'the key id picks the key')
  t.equal(open([key], seal(key, '', 'x'), 'x'), '', 'an empty value too')
  // Past the nonce pool's refills (341 a fill): every nonce differs.
  const nonces = new Set(Array.from({ length: 2000 }, () => Buffer.from(seal(key, 'v', 'x').slice(22), 'base64').subarray(0, 12).toString('hex')))
  t.equal(nonces.size, 2000, 'no nonce twice')
})

t.test('another row, another key, a flipped bit or junk does not open, and the error names no value', async (t) => {
  const sealed = seal(key, 'jane.victim@example.org', 'entry_details.raw|e1|email|0')
  const reason = (fn: () => unknown) => {
    try {
      fn()
      return 'opened'
    } catch (err) {
      t.ok(err instanceof SealedValueError)
      t.notMatch((err as Error).message, /jane|aes1/)
      return (err as SealedValueError).reason
    }
  }
  t.equal(reason(() => open([key], sealed, 'entry_details.raw|e2|email|0')), 'tampered', 'bound to its row')
  t.equal(reason(() => open([other], sealed, 'entry_details.raw|e1|email|0')), 'unknown_key')
  const forged = `aes1:${other.id}:${sealed.slice(22)}`
  t.equal(reason(() => open([other], forged, 'entry_details.raw|e1|email|0')), 'tampered', 'a relabelled key id does not help')
  const bytes = Buffer.from(sealed.slice(22), 'base64')
  bytes[20] = (bytes[20] as number) ^ 0x80
  t.equal(reason(() => open([key], `${sealed.slice(0, 22)}${bytes.toString('base64')}`, 'entry_details.raw|e1|email|0')), 'tampered')
  t.equal(reason(() => open([key], 'jane.victim@example.org', 'x')), 'malformed', 'a plaintext value is not taken as sealed')
  t.equal(reason(() => open([key], `aes1:${key.id}:AAAA`, 'x')), 'malformed')
  t.equal(sealedKeyId('aes1:nothex:abc'), null)
  t.not(keyIdOf(Buffer.alloc(32, 5)), keyIdOf(Buffer.alloc(32, 6)))
})
