import { dirname } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { openToOthers } from '../store/private-files.js'
import { PENDING_SUFFIX, dataKeyFile, hashKeyFile } from './key-file.js'

/**
 * The files that hold the store and its keys, and the database's folder: the database, its -wal and
 * -shm (which hold recent pages of it), the HMAC key file, the data key file and a pending
 * rotation's new key.
 */
export function storePaths (config: Readonly<Config>): string[] {
  if (config.db === ':memory:') return []
  const keyFile = dataKeyFile(config)
  return [dirname(config.db), config.db, `${config.db}-wal`, `${config.db}-shm`, hashKeyFile(config), keyFile, `${keyFile}${PENDING_SUFFIX}`]
}

/**
 * One warning at start-up when any of the store's paths lets group or other users in, naming each
 * path with its mode and the commands that close it. The modes are not changed: a store opened to a
 * group on purpose (a backup user, say) would break without a word, and one opened by mistake would
 * be put right without anyone learning how it came to be open.
 */
export function warnIfStoreOpen (config: Readonly<Config>, logger: Logger): void {
  const paths = storePaths(config)
  const open = openToOthers(paths)
  if (open.length === 0) return
  const folder = paths[0]
  const files = open.filter((item) => item.path !== folder).map((item) => item.path)
  const fix = [
    ...(files.length > 0 ? [`chmod 600 ${files.join(' ')}`] : []),
    ...(open.some((item) => item.path === folder) ? [`chmod 700 ${folder}`] : [])
  ].join(' && ')
  logger.warn({ open, fix }, 'the store can be read or written by other users than the daemon\'s: its files should be 600 and its folder 700')
}
