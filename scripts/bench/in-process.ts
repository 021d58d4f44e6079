/** Median and p99 of one check (normalise + look up) in process, per kind, after a warm-up. */
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import { createServices } from '../../src/services/create-services.js'
import { openDatabase } from '../../src/store/db.js'
import { attempts } from './attempts.js'
import { storeKeys } from './fill-store.js'
import { percentile } from '../lib/percentile.js'

export interface InProcessResult { kind: string, checks: number, blocked: number, medianUs: number, p99Us: number }

/** How the index loaded from the store before the checks were timed. */
export interface IndexLoad { ms: number, entries: number, keys: number }

/**
 * Opens the store as the daemon does (production settings, except that check decisions are not
 * audited: this times normalise + look up), loads its index, and times `checks` checks of each kind.
 */
export function timeChecks (file: string, here: string, detailCount: number, checks: number, keyFile?: string, onLoad?: (load: IndexLoad) => void): InProcessResult[] {
  const db = openDatabase(file)
  const config = { ...loadConfig({ UPC_ESTABLISHMENT: here }), audit: { checks: 'none' as const } }
  const loadStarted = performance.now()
  const services = createServices(db, config, { ...storeKeys(file, keyFile), clock: Date.now, logger: pino({ level: 'silent' }) })
  onLoad?.({ ms: performance.now() - loadStarted, entries: services.indexState.index.size, keys: services.indexState.index.keyCount })
  const client = { name: 'bench' }
  const results: InProcessResult[] = []
  for (const kind of ['phone', 'email', 'address'] as const) {
    const bodies = attempts(kind, checks, detailCount)
    for (let i = 0; i < Math.min(20_000, checks); i++) services.checks.check(bodies[i % bodies.length] as typeof bodies[number], client)
    const times = new Float64Array(checks)
    let blocked = 0
    for (let i = 0; i < checks; i++) {
      const started = process.hrtime.bigint()
      const outcome = services.checks.check(bodies[i] as typeof bodies[number], client)
      times[i] = Number(process.hrtime.bigint() - started) / 1000
      if (outcome.decision === 'block') blocked++
    }
    times.sort()
    results.push({ kind, checks, blocked, medianUs: percentile(times, 0.5), p99Us: percentile(times, 0.99) })
  }
  services.auditWriter.close()
  db.close()
  return results
}
