import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { dataKey, open, seal, sealedKeyId } from '../domain/sealed-value.js'
import { createAtRestStore } from '../store/at-rest-store.js'
import { createAuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import { KeyMismatchError } from './at-rest.js'
import { PENDING_SUFFIX, readKey } from './key-file.js'

export interface RotationReport {
  /** rotated: a new key, every value re-sealed; finished: an interrupted rotation's last step was done */
  action: 'rotated' | 'finished'
  from: string
  to: string
  /** values re-sealed in the one transaction */
  values: number
  /** whether the new key had been written by an earlier, interrupted run */
  resumed: boolean
}

/** Where a test stops a rotation, as a crash there would. */
export type RotationStop = 'after-new-key' | 'after-commit'

/** Writes a key file and makes it durable: the file's data, then its directory entry (fsync both). */
function writeKeyDurably (file: string, key: Buffer): void {
  const fd = openSync(file, 'wx', 0o600)
  try {
    writeSync(fd, `${key.toString('hex')}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  syncDirectory(file)
}

function syncDirectory (file: string): void {
  const fd = openSync(dirname(file), 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Rotates the data key of a store sealed under the key in `file`, crash-safe at every step:
 *
 * 1. the new key is written to FILE.new (fsync'd) before the store changes;
 * 2. every sealed value is opened with the old key and sealed with the new one, and key_state
 *    records the new key id, in ONE transaction: the store is under one key or the other, never both;
 * 3. only then FILE.new is renamed over FILE (atomic), so the old key is kept until the commit held.
 *
 * A crash before 2 commits leaves the store under the old key (FILE); after, under the new one
 * (FILE.new): the daemon starts with whichever the store's key id names (key-file.ts loadDataKeys),
 * and a second run finishes the job (reusing FILE.new, or only renaming it). Freed pages are zeroed
 * and the WAL truncated, so the values under the old key do not linger in the file.
 */
export function rotateDataKey (db: Db, file: string, clock: () => number, options: { hashKey: Buffer, newKey?: Buffer, stopAfter?: RotationStop }): RotationReport {
  const store = createAtRestStore(db)
  const state = store.state()
  if (state?.data_key_id == null) throw new Error('the store has no sealed data yet: start the daemon on it once (it seals an older store), then rotate')
  const pendingFile = `${file}${PENDING_SUFFIX}`
  const current = readKey(file)
  if (current === null) throw new Error(`there is no data key file ${file}`)
  let pending = readKey(pendingFile)
  const old = dataKey(current)

  if (pending !== null && dataKey(pending).id === state.data_key_id) {
    // The commit of an earlier run held; its rename did not happen.
    renameSync(pendingFile, file)
    syncDirectory(file)
    return { action: 'finished', from: old.id, to: state.data_key_id, values: 0, resumed: true }
  }
  if (old.id !== state.data_key_id) {
    throw new KeyMismatchError(`the data key in ${file} (key id ${old.id}) is not the one this database is sealed with (key id ${state.data_key_id})`)
  }
  const resumed = pending !== null
  if (pending === null) {
    pending = options.newKey ?? randomBytes(32)
    writeKeyDurably(pendingFile, pending)
  }
  const next = dataKey(pending)
  if (options.stopAfter === 'after-new-key') return { action: 'rotated', from: old.id, to: next.id, values: 0, resumed }

  const audit = createAuditStore(db, { hashKey: options.hashKey })
  const at = clock()
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number
  db.pragma('secure_delete = ON')
  let values: number
  try {
    values = db.transaction(() => {
      const count = store.rewriteAll((value, associated) =>
        sealedKeyId(value) === next.id ? value : seal(next, open([old], value, associated), associated))
      store.rotated(next.id, at)
      audit.append({ at, actor: 'rotate-key', action: 'key.rotate', entryId: null, reason: null, detail: { from: old.id, to: next.id, values: count } })
      return count
    }).immediate()
  } finally {
    db.pragma(`secure_delete = ${secureDelete === 1 ? 'ON' : 'OFF'}`)
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
  if (options.stopAfter === 'after-commit') return { action: 'rotated', from: old.id, to: next.id, values, resumed }
  renameSync(pendingFile, file)
  syncDirectory(file)
  return { action: 'rotated', from: old.id, to: next.id, values, resumed }
}
