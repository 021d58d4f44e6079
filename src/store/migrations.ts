import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { registerChainFunctions } from '../audit/index.js'
import type { Db } from './db.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/

export interface MigrationReport { applied: string[], current: number }

/** Applies migrations/NNN_*.sql in order, each in its own transaction, and records each one. */
export function migrate (db: Db, dir: string = MIGRATIONS_DIR): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  // 005 chains the audit rows already there with this SQL function (src/audit/chain.ts).
  registerChainFunctions(db)
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  const files = readdirSync(dir).filter((name) => FILE_NAME.test(name)).sort()
  const applied: string[] = []
  for (const name of files) {
    const version = Number(FILE_NAME.exec(name)?.[1])
    if (done.has(version)) continue
    const sql = readFileSync(join(dir, name), 'utf8')
    db.transaction(() => {
      db.exec(sql)
      record.run(version, name, Date.now())
    })()
    applied.push(name)
  }
  const current = db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null
  return { applied, current: current ?? 0 }
}
