import type { Logger } from 'pino'
import { KEYING_VERSION, keysFor } from '../domain/contact-keys.js'
import type { ContactKind } from '../domain/detail-keys.js'
import type { MatchTokens } from '../domain/key-hash.js'
import { associatedData, createAtRestStore } from '../store/at-rest-store.js'
import type { AuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import type { Sealer } from '../store/sealer.js'
import { enteredValue, storedKeys } from './entry-records.js'

export interface RekeyDeps { sealer: Sealer, tokens: MatchTokens, audit: AuditStore, clock: () => number, log: Logger }

/**
 * Brings the stored match keys up to the normalisers' KEYING_VERSION: every detail is opened and
 * keyed again, in one transaction, before the index loads. A detail the new keying would refuse
 * keeps the keys it has, so that an upgrade never takes a block away. Returns how many details got
 * new keys (0 when the store is already keyed by this version).
 */
export function rekeyStore (db: Db, deps: RekeyDeps): number {
  const store = createAtRestStore(db)
  const from = store.keyingVersion()
  if (from === KEYING_VERSION) return 0
  const at = deps.clock()
  const changed = db.transaction(() => {
    const count = store.rekeyAll(({ entryId, kind, position, raw }) => {
      const plain = deps.sealer.open(raw, associatedData.detail(entryId, kind, position))
      const keys = keysFor(kind as ContactKind, enteredValue(kind as ContactKind, plain))
      if (keys.reject !== null || keys.store.length === 0) return null
      const stored = storedKeys(keys, deps.tokens)
      return { keys: stored.match_keys, warning: stored.warning }
    })
    store.keyed(KEYING_VERSION)
    // A new store has nothing to re-key: only a store with blocks in it is worth a record.
    if (count > 0) deps.audit.append({ at, actor: 'upc-guard', action: 'store.rekey', entryId: null, reason: null, detail: { details: count, from, to: KEYING_VERSION } })
    return count
  }).immediate()
  if (changed > 0) deps.log.warn({ details: changed, from, to: KEYING_VERSION }, 'matching changed: re-keyed the stored details')
  return changed
}
