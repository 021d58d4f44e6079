import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { createPrivateFile, makePrivateDir } from './private-files.js'

export type Db = Database.Database

/** The store cannot be opened: the message names the file and the system's reason (a path, never data). */
export class StoreOpenError extends Error {
  constructor (file: string, cause: unknown) {
    const code = (cause as { code?: unknown }).code
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOSPC' ? 'no space left' : 'cannot be created or opened'
    super(`the store ${file} cannot be opened: ${reason} (check that its folder exists or can be made, and is writable by this user)`)
  }
}

/**
 * How long the daemon's own connection waits for another process's write lock. The wait happens
 * inside a synchronous call, so it holds the event loop and every check with it, for as long as a
 * second process holds the lock, up to the whole timeout (test/services/store-busy.test.ts). The daemon's own transactions last milliseconds; past this,
 * an admin write answers 503 store_unavailable (retry), an audit flush keeps its records for the
 * next one, and a sync run fails and is retried. Scripts keep the patient default.
 */
export const DAEMON_BUSY_TIMEOUT_MS = 250

/**
 * Opens the store with the pragmas a victim's safety depends on:
 * WAL so checks read while a SPOC writes (https://sqlite.org/wal.html), synchronous=FULL so a
 * committed block survives power loss, foreign keys on, and a busy timeout rather than an error
 * when a second process holds the lock. A new store's folder is made 700 and its file 600 before
 * SQLite opens it, so the -wal and -shm files SQLite makes beside it are 600 too (private-files.ts).
 */
export function openDatabase (file: string, busyTimeoutMs = 5000): Db {
  let db: Db
  try {
    if (file !== ':memory:') {
      makePrivateDir(dirname(file))
      createPrivateFile(file)
    }
    db = new Database(file)
  } catch (err) {
    throw new StoreOpenError(file, err)
  }
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`)
  // A 32 MiB page cache instead of SQLite's default 2 MiB: writes into a store of a million entries
  // touch B-tree pages all over, and on a virtual machine every page read from the file is a dear
  // system call. A memory map would be faster still, but counts the whole file in the RSS.
  db.pragma('cache_size = -32768')
  return db
}
