/**
 * Fills a store with synthetic entries through the real entries service, in batches of one
 * transaction each, under the key files the daemon started on it will use (as src/server.ts loads
 * them): match keys are HMACs and details are sealed, so a store filled under other keys would not
 * start.
 */
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import { createServices } from '../../src/services/create-services.js'
import { loadDataKeys, loadHashKey } from '../../src/services/key-file.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { entries } from './generate.js'

const BATCH = 5000

/** The keys a daemon started with UPC_DB=file and UPC_KEY_FILE=keyFile uses (made if missing). */
export function storeKeys (file: string, keyFile?: string): { hashKey: Buffer, dataKeys: Buffer[] } {
  const config = loadConfig({ UPC_DB: file, ...(keyFile === undefined ? {} : { UPC_KEY_FILE: keyFile }) })
  return { hashKey: loadHashKey(config), dataKeys: loadDataKeys(config) }
}

export function fillStore (file: string, count: number, role: 'establishment' | 'hub', here: string, seed = 1, keyFile?: string): { seconds: number, details: number } {
  const started = performance.now()
  const db = openDatabase(file)
  migrate(db)
  db.pragma('synchronous = OFF') // filling speed only; the daemon itself writes with FULL
  const config = loadConfig({ UPC_ROLE: role, UPC_ESTABLISHMENT: role === 'hub' ? 'HUB' : here })
  const services = createServices(db, config, { ...storeKeys(file, keyFile), clock: Date.now, logger: pino({ level: 'silent' }) })
  let batch = []
  let details = 0
  const now = Date.now()
  for (const body of entries(count, here, seed)) {
    const prepared = services.entries.prepare(body, 'bench', now)
    details += prepared.details.length
    batch.push(prepared)
    if (batch.length === BATCH) {
      services.entries.insertPrepared(batch)
      batch = []
    }
  }
  if (batch.length > 0) services.entries.insertPrepared(batch)
  services.auditWriter.close()
  db.close()
  return { seconds: (performance.now() - started) / 1000, details }
}
