/**
 * One address check in process (keys, tokens, look-up) over a store of 20,000 entries: each of 4,000
 * bench attempts is checked 8 times, and the best of each body's 8 (what the code costs, without
 * another process's or the collector's pauses) is reported beside all 32,000 times. For working on
 * the address path on a busy machine: `npx tsx scripts/bench/address-times.ts`.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import { createServices } from '../../src/services/create-services.js'
import { openDatabase } from '../../src/store/db.js'
import { attempts } from './attempts.js'
import { fillStore, storeKeys } from './fill-store.js'
const dir = mkdtempSync(join(tmpdir(), 'ap-'))
const file = join(dir, 'est.db')
const fill = fillStore(file, 20000, 'establishment', 'HLI', 1, join(dir, 'k.key'))
const db = openDatabase(file)
const config = { ...loadConfig({ UPC_ESTABLISHMENT: 'HLI' }), audit: { checks: 'none' as const } }
const services = createServices(db, config, { ...storeKeys(file, join(dir, 'k.key')), clock: Date.now, logger: pino({ level: 'silent' }) })
const bodies = attempts('address', 4000, fill.details)
const best = new Float64Array(bodies.length).fill(1e9)
const all: number[] = []
for (let r = 0; r < 8; r++) bodies.forEach((b, i) => { const t = process.hrtime.bigint(); services.checks.check(b, { name: 'b' }); const d = Number(process.hrtime.bigint() - t) / 1000; all.push(d); if (d < best[i]!) best[i] = d })
const q = (xs: number[], p: number) => xs[Math.floor(xs.length * p)]!.toFixed(1)
const b = [...best].sort((x, y) => x - y); all.sort((x, y) => x - y)
console.log('best-of-8: med', q(b, 0.5), 'p99', q(b, 0.99), '| all: med', q(all, 0.5), 'p99', q(all, 0.99))
services.auditWriter.close(); db.close()
