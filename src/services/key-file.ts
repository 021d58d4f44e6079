import { randomBytes } from 'node:crypto'
import { copyFileSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import type { Config } from '../config.js'
import { keyIdOf } from '../domain/sealed-value.js'
import { recordedKeyIds } from '../store/at-rest-store.js'
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

/**
 * The name a store's own key files start with: data/hub.db gives data/hub, so data/hub.key and
 * data/hub.data.key. Each store gets keys of its own by default: stores that shared one key file
 * (a hub and an establishment in one folder) would be broken together by one rotation.
 */
function keyStem (db: string): string {
  if (db === ':memory:') return 'upc-guard'
  const name = basename(db)
  const ext = extname(name)
  return join(dirname(db), ext === '' ? name : name.slice(0, -ext.length))
}

/** The default key files before each store had its own: shared by every store in the folder. */
const SHARED = { hash: 'upc-guard.key', data: 'upc-guard.data.key' } as const

export const hashKeyFile = (config: Pick<Config, 'db' | 'keyFile'>): string => config.keyFile ?? `${keyStem(config.db)}.key`

/**
 * The data key (AES-256-GCM, for contact details at rest) lives in a file of its own beside the HMAC
 * key rather than derived from it: the data key can then be rotated (re-encrypting every value)
 * without changing a single HMAC, so the match keys stay and the audit trail's hashes of earlier
 * attempts still compare with new ones. Two files also let an operator keep them apart.
 */
export const dataKeyFile = (config: Pick<Config, 'db' | 'dataKeyFile'>): string => config.dataKeyFile ?? `${keyStem(config.db)}.data.key`

/** A key file copied from the folder's shared file into the store's own name (see adoptSharedKey). */
export interface KeyAdoption { from: string, to: string }

/**
 * A store made when key files were shared by the folder (upc-guard.key and upc-guard.data.key beside
 * hub.db, hli.db ...) is sealed under the shared keys. When the store's own default file is absent,
 * the shared file holds the key the store records, and the store exists, that key is copied (600)
 * to the store's own name, so the store keeps its keys and a later rotation of it leaves the other
 * stores' keys alone. Nothing happens for a new store, a configured key file, or a key the store
 * does not record.
 */
function adoptSharedKey (config: Pick<Config, 'db'>, own: string, kind: keyof typeof SHARED, onAdopt?: (adoption: KeyAdoption) => void): void {
  const shared = join(dirname(config.db), SHARED[kind])
  if (own === shared || existsSync(own)) return
  const sharedKey = readKey(shared)
  if (sharedKey === null) return
  const recorded = recordedKeyIds(config.db)
  const id = kind === 'hash' ? recorded?.hashKeyId : recorded?.dataKeyId
  if (id == null || id !== keyIdOf(sharedKey)) return
  copyFileSync(shared, own, constants.COPYFILE_EXCL)
  onAdopt?.({ from: shared, to: own })
}

/** Adopts the shared key files of an older store (adoptSharedKey) for the keys the config leaves to their defaults. */
export function adoptSharedKeys (config: Pick<Config, 'db' | 'keyFile' | 'dataKeyFile' | 'dataKey'>, onAdopt?: (adoption: KeyAdoption) => void): void {
  if (config.keyFile == null) adoptSharedKey(config, hashKeyFile(config), 'hash', onAdopt)
  if (config.dataKeyFile == null && typeof config.dataKey !== 'string') adoptSharedKey(config, dataKeyFile(config), 'data', onAdopt)
}

/** The HMAC key of the store: the configured key file's, or the store's own (made on first start). */
export function loadHashKey (config: Pick<Config, 'db' | 'keyFile'>, onAdopt?: (adoption: KeyAdoption) => void): Buffer {
  const file = hashKeyFile(config)
  if (config.keyFile == null) adoptSharedKey(config, file, 'hash', onAdopt)
  return loadOrCreateKey(file)
}

/**
 * The data keys a process starts with: UPC_DATA_KEY's if set; otherwise the data key file's (made on
 * first start) and, if a rotation was interrupted, its pending new key (the store's key id picks).
 */
export function loadDataKeys (config: Pick<Config, 'db' | 'dataKeyFile' | 'dataKey'>, onAdopt?: (adoption: KeyAdoption) => void): Buffer[] {
  if (typeof config.dataKey === 'string') return [Buffer.from(config.dataKey, 'hex')]
  const file = dataKeyFile(config)
  if (config.dataKeyFile == null) adoptSharedKey(config, file, 'data', onAdopt)
  const keys = [loadOrCreateKey(file)]
  const pending = readKey(`${file}${PENDING_SUFFIX}`)
  if (pending !== null) keys.push(pending)
  return keys
}
