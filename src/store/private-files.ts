import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The store's folders and files are for the daemon's user alone. A mode given to mkdir or open is
 * cut by the process's umask, so what is created here is chmod'ed to its mode as well: 700 and 600
 * whatever the umask (an umask of 000 would otherwise leave a folder at 777; one of 277 a database
 * the daemon cannot write).
 */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/**
 * Makes `dir` and any missing folder above it, each 700. Folders that exist already keep their
 * mode: the start-up check reports an open one rather than changing it behind the operator's back.
 */
export function makePrivateDir (dir: string): void {
  const missing: string[] = []
  for (let at = dir; statSync(at, { throwIfNoEntry: false }) === undefined; at = dirname(at)) {
    missing.unshift(at)
    if (dirname(at) === at) break
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode: PRIVATE_DIR_MODE })
    } catch (err) {
      // another process made it a moment ago: it is that process's folder, left as it is
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw err
    }
    chmodSync(folder, PRIVATE_DIR_MODE)
  }
}

/**
 * Creates an empty file at 600 unless it exists. SQLite gives a database's -wal and -shm files the
 * database file's own mode, whatever the umask (its unix VFS, test/journal3.test), so a database
 * created here first keeps all three private. An empty file is an empty database to SQLite.
 */
export function createPrivateFile (file: string): void {
  let fd: number
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return
    throw err
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE)
  } finally {
    closeSync(fd)
  }
}

/** A path whose mode lets its group or other users in (read, write or enter), with that mode in octal. */
export interface OpenPath { path: string, mode: string }

/** Of `paths`, those that exist and whose group or other bits are set; stat follows a symbolic link. */
export function openToOthers (paths: readonly string[]): OpenPath[] {
  const open: OpenPath[] = []
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false })
    if (stat !== undefined && (stat.mode & 0o077) !== 0) open.push({ path, mode: (stat.mode & 0o7777).toString(8).padStart(4, '0') })
  }
  return open
}
