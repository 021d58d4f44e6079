import Database from 'better-sqlite3'
import type { Db } from './db.js'

/** Another process has the store open (a running daemon): the message names the file only. */
export class StoreInUseError extends Error {
  constructor (file: string) {
    super(`${file} is open in another process (a running daemon?): stop it first`)
  }
}

/**
 * Takes the store for this connection alone, without waiting, and keeps it until the connection
 * closes. The daemon keeps its store in WAL mode, and a connection in WAL mode holds a shared lock
 * on the database file for as long as it is open (SQLite's pager keeps it between transactions), so
 * an exclusive lock asked for in EXCLUSIVE locking mode fails at once with SQLITE_BUSY while any
 * other process has the file open; once taken, no other process can open it until this one closes.
 */
export function holdAlone (db: Db, file: string): void {
  db.pragma('busy_timeout = 0')
  db.pragma('locking_mode = EXCLUSIVE')
  try {
    db.exec('BEGIN EXCLUSIVE')
    db.exec('COMMIT')
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new StoreInUseError(file)
    throw err
  }
}

/** True when another process has the store `file` open; false for a file no process has open. */
export function storeInUse (file: string): boolean {
  const db = new Database(file, { fileMustExist: true })
  try {
    holdAlone(db, file)
    return false
  } catch (err) {
    if (err instanceof StoreInUseError) return true
    throw err
  } finally {
    db.close()
  }
}
