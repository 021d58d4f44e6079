/**
 * Copies of the store for scripts/backup.ts and scripts/restore.ts: where the store and its keys are,
 * whether a process has the store open, one consistent copy, and what a copy holds.
 */
import { closeSync, fchmodSync, fsyncSync, openSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import { formatAnchor } from '../../src/audit/chain.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { dataKeyFile, hashKeyFile } from '../../src/services/key-file.js'
import { PRIVATE_FILE_MODE } from '../../src/store/private-files.js'
import { storeInUse } from '../../src/store/store-lock.js'

export interface StorePlaces {
  db: string
  /** the HMAC key file (match keys, the audit head's MAC) */
  hashKey: string
  /** the data key file (contact details at rest), or null when UPC_DATA_KEY holds the key itself */
  dataKey: string | null
}

/**
 * The store and key files: `db` when given (its keys beside it, as the daemon finds them), else
 * the configuration's (UPC_DB, UPC_CONFIG ...). Throws ConfigError when neither can be read.
 */
export function storePlaces (env: NodeJS.ProcessEnv, db?: string): StorePlaces {
  let config: ReturnType<typeof loadConfig> | null = null
  try {
    config = loadConfig(env)
  } catch (err) {
    if (db === undefined) throw err
  }
  const own = config !== null && db === undefined
  const file = db ?? (config as NonNullable<typeof config>).db
  const keys = own ? config as NonNullable<typeof config> : { db: file, keyFile: null, dataKeyFile: null }
  return {
    db: file,
    hashKey: hashKeyFile(keys),
    dataKey: own && typeof config?.dataKey === 'string' ? null : dataKeyFile(keys)
  }
}

export { ConfigError }
export { storeInUse }

/**
 * Writes one consistent copy of the open store `from` to `to`, which must not exist: created 600
 * first (flag wx: never over another file), then filled by VACUUM INTO, which reads the whole store
 * in one read transaction (a snapshot: WAL frames included, writers go on meanwhile) and writes a
 * compact copy; then flushed to disk and checked (quick_check). On any failure the copy is removed.
 */
export function copyStore (from: Database.Database, to: string): void {
  const fd = openSync(to, 'wx', PRIVATE_FILE_MODE)
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE)
  } finally {
    closeSync(fd)
  }
  try {
    from.prepare('VACUUM INTO ?').run(to)
    const written = openSync(to, 'r+')
    try { fsyncSync(written) } finally { closeSync(written) }
    const copy = new Database(to, { readonly: true, fileMustExist: true })
    try {
      const check = copy.pragma('quick_check', { simple: true })
      if (check !== 'ok') throw new Error('the copy fails SQLite\'s quick_check')
    } finally {
      copy.close()
    }
  } catch (err) {
    rmSync(to, { force: true })
    throw err
  }
}

export interface StoreSummary { entries: number, auditRows: number, lastAudit: string | null }

/** What a store holds, in counts and the audit chain's last link (an anchor for audit:verify). */
export function summarise (db: Database.Database): StoreSummary {
  const entries = db.prepare('SELECT count(*) FROM entries').pluck().get() as number
  const auditRows = db.prepare('SELECT (SELECT count(*) FROM audit) + (SELECT coalesce(sum(last_id - first_id + 1), 0) FROM audit_checks)').pluck().get() as number
  const last = db.prepare('SELECT seq, mac FROM audit_link ORDER BY seq DESC LIMIT 1').get() as { seq: number, mac: string } | undefined
  return { entries, auditRows, lastAudit: last === undefined ? null : formatAnchor(last) }
}

/** Opens `file` read-only as a store (it has entries and a chained audit), or throws saying why not. */
export function openStore (file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
  const chained = tables.includes('audit_link')
  if (!tables.includes('entries') || !chained) {
    db.close()
    throw new Error(`${file} is not a store (no entries, or no audit chain: start the daemon on it once)`)
  }
  return db
}
