import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const HEX_KEY = /^[0-9a-f]{64}$/

/**
 * The HMAC key for hashed match keys: read from its file, or made on first start (32 random bytes,
 * hex, readable by the daemon's user only). It is never stored in the database.
 */
export function loadOrCreateKey (file: string): Buffer {
  let text: string | null = null
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`key file ${file} cannot be read`)
  }
  if (text === null) {
    mkdirSync(dirname(file), { recursive: true })
    text = randomBytes(32).toString('hex')
    // flag wx: never overwrite a key another process wrote a moment ago
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' })
  }
  if (!HEX_KEY.test(text)) throw new Error(`key file ${file} must hold 64 hex characters`)
  return Buffer.from(text, 'hex')
}
