import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Config } from '../config.js'
import { makePrivateDir } from '../store/private-files.js'

const HEX_KEY = /^[0-9a-f]{64}$/

/** A pending key rotation's new key sits beside the key file under this suffix (scripts/rotate-key.ts). */
export const PENDING_SUFFIX = '.new'

/**
 * The HMAC key for hashed match keys: read from its file, or made on first start (32 random bytes,
 * hex, readable by the daemon's user only). It is never stored in the database. The data key file
 * has the same form.
 */
export function loadOrCreateKey (file: string): Buffer {
  const found = readKey(file)
  if (found !== null) return found
  makePrivateDir(dirname(file))
  const text = randomBytes(32).toString('hex')
  // flag wx: never overwrite a key another process wrote a moment ago; the umask can only take
  // bits away from 600, so the key is never readable by others
  writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' })
  return Buffer.from(text, 'hex')
}

/** A key file's key, or null when there is no such file. */
export function readKey (file: string): Buffer | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`key file ${file} cannot be read`)
  }
  if (!HEX_KEY.test(text)) throw new Error(`key file ${file} must hold 64 hex characters`)
  return Buffer.from(text, 'hex')
}

export const hashKeyFile = (config: Readonly<Config>): string => config.keyFile ?? join(dirname(config.db), 'upc-guard.key')

/**
 * The data key (AES-256-GCM, for contact details at rest) lives in a file of its own beside the HMAC
 * key rather than derived from it: the data key can then be rotated (re-encrypting every value)
 * without changing a single HMAC, so the match keys stay and the audit trail's hashes of earlier
 * attempts still compare with new ones. Two files also let an operator keep them apart.
 */
export const dataKeyFile = (config: Readonly<Config>): string => config.dataKeyFile ?? join(dirname(config.db), 'upc-guard.data.key')

/**
 * The data keys a process starts with: UPC_DATA_KEY's if set; otherwise the data key file's (made on
 * first start) and, if a rotation was interrupted, its pending new key (the store's key id picks).
 */
export function loadDataKeys (config: Readonly<Config>): Buffer[] {
  if (typeof config.dataKey === 'string') return [Buffer.from(config.dataKey, 'hex')]
  const file = dataKeyFile(config)
  const keys = [loadOrCreateKey(file)]
  const pending = readKey(`${file}${PENDING_SUFFIX}`)
  if (pending !== null) keys.push(pending)
  return keys
}
