import { createCipheriv, createDecipheriv, hash, hkdfSync, randomFillSync } from 'node:crypto'

/**
 * A value sealed for storage: AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit nonce a
 * value, the key's id, and associated data that names the value's row and column, so that a
 * ciphertext copied into another row (another entry's phone, another position) fails to open
 * instead of reading as that row's detail. The text form is one string that fits a TEXT column:
 *
 *   aes1:<key id>:<base64 of nonce (12) || ciphertext || tag (16)>
 *
 * The key id says which key a value was sealed under, so that after an interrupted key rotation
 * (scripts/rotate-key.ts) each value, and the database as a whole, can be matched to one of the
 * two keys instead of being tried against both.
 */

const PREFIX = 'aes1:'
const NONCE = 12
const TAG = 16
const KEY_ID = /^[0-9a-f]{16}$/

export interface DataKey { id: string, key: Buffer }

/** Why a value cannot be opened. The message never carries the value, sealed or not. */
export class SealedValueError extends Error {
  constructor (readonly reason: 'malformed' | 'unknown_key' | 'tampered', message: string) {
    super(message)
  }
}

/**
 * The key's id: 64 bits of SHA-256 over a label and the key. It names a key without revealing it
 * (a 256-bit key cannot be searched for from 64 bits of its hash) and needs no storing of its own.
 */
export function keyIdOf (key: Buffer): string {
  return hash('sha256', Buffer.concat([Buffer.from('upc-guard key id v1\0'), key]), 'hex').slice(0, 16)
}

export function dataKey (key: Buffer): DataKey {
  if (key.length !== 32) throw new Error('a data key is 32 bytes')
  return { id: keyIdOf(key), key }
}

/**
 * A data key derived from the HMAC key with HKDF-SHA-256 (RFC 5869), for callers that are given
 * only the HMAC key (the benchmarks, embedders). The daemon itself keeps a separate data key file,
 * so that the data key can be rotated without changing the HMAC hashes in the audit trail.
 */
export function derivedDataKey (hashKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', hashKey, Buffer.alloc(0), 'upc-guard data at rest aes-256-gcm v1', 32))
}

/** The key id of a sealed value, or null when the text is not a sealed value at all. */
export function sealedKeyId (text: string): string | null {
  if (!text.startsWith(PREFIX)) return null
  const id = text.slice(PREFIX.length, PREFIX.length + 16)
  return KEY_ID.test(id) && text.charCodeAt(PREFIX.length + 16) === 58 /* : */ ? id : null
}

/**
 * Nonces are drawn from the CSPRNG 4 KiB at a time: one randomBytes call a value costs more than the
 * encryption itself. Each nonce is a fresh slice, never reused.
 */
const pool = Buffer.alloc(NONCE * 341)
let poolAt = pool.length

function nextNonce (): Buffer {
  if (poolAt + NONCE > pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  const nonce = Buffer.from(pool.subarray(poolAt, poolAt + NONCE))
  poolAt += NONCE
  return nonce
}

export function seal (key: DataKey, plain: string, associated: string): string {
  const nonce = nextNonce()
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG })
  cipher.setAAD(Buffer.from(associated))
  const body = cipher.update(plain, 'utf8')
  const final = cipher.final()
  return `${PREFIX}${key.id}:${Buffer.concat([nonce, body, final, cipher.getAuthTag()]).toString('base64')}`
}

/** Opens a value with whichever of `keys` it was sealed under; throws SealedValueError otherwise. */
export function open (keys: readonly DataKey[], text: string, associated: string): string {
  const id = sealedKeyId(text)
  if (id === null) throw new SealedValueError('malformed', 'the stored value is not a sealed value')
  const key = keys.find((candidate) => candidate.id === id)
  if (key === undefined) throw new SealedValueError('unknown_key', `the stored value is sealed under key ${id}, which was not given`)
  const bytes = Buffer.from(text.slice(PREFIX.length + 17), 'base64')
  if (bytes.length < NONCE + TAG) throw new SealedValueError('malformed', 'the stored value is too short')
  const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, NONCE), { authTagLength: TAG })
  decipher.setAAD(Buffer.from(associated))
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG))
  try {
    return Buffer.concat([decipher.update(bytes.subarray(NONCE, bytes.length - TAG)), decipher.final()]).toString('utf8')
  } catch {
    // GCM's tag did not verify: the value, its row or the key is not what it was sealed with.
    throw new SealedValueError('tampered', 'the stored value failed its integrity check')
  }
}
