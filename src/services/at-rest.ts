import type { Logger } from 'pino'
import { createMatchTokens } from '../domain/key-hash.js'
import type { MatchTokens } from '../domain/key-hash.js'
import { SealedValueError, dataKey, keyIdOf, open, seal } from '../domain/sealed-value.js'
import type { DataKey } from '../domain/sealed-value.js'
import { createAtRestStore } from '../store/at-rest-store.js'
import type { Sealer } from '../store/sealer.js'
import type { AuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import { DomainError, UnavailableError } from '../domain/errors.js'

/**
 * Data at rest (docs/RELIABILITY.md, "Data at rest"): the one place that knows the keys. The stores
 * seal what they write and open what they read through a Sealer; match keys are HMAC tokens
 * (createMatchTokens), which the index and the check use as they are.
 */


/** The keys a process starts with: the HMAC key, and one or two candidate data keys (the file's, and a pending rotation's). */
export interface AtRestKeys { hashKey: Buffer, dataKeys: readonly Buffer[] }

/** The keys given are not the store's: start-up stops with this message rather than run wrong. */
export class KeyMismatchError extends Error {}

/** A sealed value that does not open: changed behind the daemon's back, or a key it does not have. */
export class StoredValueError extends DomainError {
  constructor (where: string, reason: SealedValueError['reason']) {
    super('corrupt', 'stored_value_unreadable', reason === 'unknown_key'
      ? `a stored value (${where}) is sealed under a key this process does not have: restart it after a key rotation`
      : `a stored value (${where}) failed its integrity check: the database was changed outside the daemon; restore it from a backup`)
  }
}

export interface AtRest { sealer: Sealer, tokens: MatchTokens, dataKeyId: string, hashKeyId: string, converted: number | null }

/** The data key the store is sealed under, among the candidates; a clear error when none is. */
function chooseDataKey (candidates: readonly DataKey[], stored: string | null): DataKey {
  if (stored === null) return candidates[0] as DataKey
  const found = candidates.find((candidate) => candidate.id === stored)
  if (found !== undefined) return found
  throw new KeyMismatchError(`the data key (key id ${candidates.map((c) => c.id).join(' or ')}) is not the one this database is sealed with (key id ${stored}): ` +
    'start with the right data key file (dataKeyFile, UPC_DATA_KEY_FILE) or UPC_DATA_KEY')
}

export function createSealer (db: Db, current: DataKey, all: readonly DataKey[]): Sealer {
  const store = createAtRestStore(db)
  return {
    seal: (plain, associated) => seal(current, plain, associated),
    open (sealed, associated) {
      try {
        return open(all, sealed, associated)
      } catch (err) {
        if (err instanceof SealedValueError) throw new StoredValueError(associated, err.reason)
        throw err
      }
    },
    isCurrent: () => store.dataKeyId() === current.id,
    assertCurrent () {
      if (store.dataKeyId() !== current.id) {
        throw new UnavailableError('the data key was rotated while this process ran: restart it; nothing was written', 'key_rotated')
      }
    }
  }
}

/**
 * Checks the keys against the ones the store records (a wrong HMAC key would make every check miss
 * every block, silently; a wrong data key would make every read fail), and converts the rows of a
 * store made before migration 006 in ONE transaction: details and names sealed, match keys turned
 * into tokens. Freed pages are zeroed (secure_delete) and the WAL truncated after, so that the
 * plaintext does not linger in the file.
 */
/**
 * Seals the reasons and lift reasons of a store made before migration 012, in ONE transaction,
 * with freed pages zeroed and the WAL truncated after, as the conversion above does.
 */
function sealReasons (db: Db, current: DataKey, deps: { audit: AuditStore, clock: () => number, log: Logger }): void {
  const store = createAtRestStore(db)
  const at = deps.clock()
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number
  db.pragma('secure_delete = ON')
  let count: number
  try {
    count = db.transaction(() => {
      const sealed = store.sealReasons((value, associated) => seal(current, value, associated), at)
      if (sealed > 0) deps.audit.append({ at, actor: 'upc-guard', action: 'reason.seal', entryId: null, reason: null, detail: { values: sealed, dataKeyId: current.id } })
      return sealed
    }).immediate()
  } finally {
    db.pragma(`secure_delete = ${secureDelete === 1 ? 'ON' : 'OFF'}`)
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
  if (count > 0) deps.log.warn({ values: count, dataKeyId: current.id }, 'sealed the plaintext reasons of an older store (migration 012)')
}

export function prepareAtRest (db: Db, keys: AtRestKeys, deps: { audit: AuditStore, clock: () => number, log: Logger }): AtRest {
  if (keys.dataKeys.length === 0) throw new KeyMismatchError('no data key was given')
  const store = createAtRestStore(db)
  const state = store.state()
  if (state === undefined) throw new Error('the store is not migrated: key_state is missing (migration 006)')
  const hashKeyId = keyIdOf(keys.hashKey)
  if (state.hash_key_id !== null && state.hash_key_id !== hashKeyId) {
    throw new KeyMismatchError(`the HMAC key (key id ${hashKeyId}) is not the one this database's match keys were made with (key id ${state.hash_key_id}); ` +
      'with it every check would miss every block: start with the right key file (keyFile, UPC_KEY_FILE)')
  }
  const candidates = keys.dataKeys.map(dataKey)
  const current = chooseDataKey(candidates, state.data_key_id)
  const tokens = createMatchTokens(keys.hashKey)
  let converted: number | null = null
  if (state.converted_at === null) {
    const at = deps.clock()
    const secureDelete = db.pragma('secure_delete', { simple: true }) as number
    db.pragma('secure_delete = ON')
    try {
      converted = db.transaction(() => {
        const count = store.rewriteAll(
          (value, associated) => seal(current, value, associated),
          (matchKeys) => JSON.stringify((JSON.parse(matchKeys) as string[]).map(tokens)))
        store.converted(current.id, hashKeyId, at)
        // A new store has nothing to seal: only an older store's conversion is worth a record.
        if (count > 0) deps.audit.append({ at, actor: 'upc-guard', action: 'store.seal', entryId: null, reason: null, detail: { values: count, dataKeyId: current.id, hashKeyId } })
        return count
      }).immediate()
    } finally {
      db.pragma(`secure_delete = ${secureDelete === 1 ? 'ON' : 'OFF'}`)
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    if (converted > 0) deps.log.warn({ values: converted, dataKeyId: current.id }, 'sealed the plaintext rows of an older store (migration 006)')
  }
  if (state.reasons_sealed_at === null) sealReasons(db, current, deps)
  return { sealer: createSealer(db, current, candidates), tokens, dataKeyId: current.id, hashKeyId, converted }
}
