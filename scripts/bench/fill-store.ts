/** Fills a store with synthetic entries through the real entries service, in batches of one transaction each. */
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import { createServices } from '../../src/services/create-services.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { entries } from './generate.js'

const BATCH = 5000

export function fillStore (file: string, count: number, role: 'establishment' | 'hub', here: string, seed = 1): { seconds: number, details: number } {
  const started = performance.now()
  const db = openDatabase(file)
  migrate(db)
  db.pragma('synchronous = OFF') // filling speed only; the daemon itself writes with FULL
  const config = loadConfig({ UPC_ROLE: role, UPC_ESTABLISHMENT: role === 'hub' ? 'HUB' : here })
  const services = createServices(db, config, { hashKey: Buffer.alloc(32, 9), clock: Date.now, logger: pino({ level: 'silent' }) })
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
