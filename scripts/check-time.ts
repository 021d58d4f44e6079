/**
 * In-process time of one check (normalise + look up), for the closing note of the core issue.
 * Builds a store of N entries in a temporary folder through the real entries service, loads the
 * index the way the daemon does, then times single checks of each kind. Prints what it did.
 *
 *   npm run check-time -- --entries 10000 --checks 20000
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { createServices } from '../src/services/create-services.js'
import { openDatabase } from '../src/store/db.js'
import { migrate } from '../src/store/migrations.js'
import type { CheckBody } from '../src/schemas/check.js'
import { numberArg } from './lib/args.js'
import { percentile } from './lib/percentile.js'

const ENTRIES = numberArg('entries', 10_000)
const CHECKS = numberArg('checks', 20_000)
const STREETS = ['Acacia Avenue', 'Laburnum Grove', 'Privet Drive', 'Cherry Tree Lane', 'Wisteria Walk']
const pad = (n: number, width: number) => String(n).padStart(width, '0')
// Synthetic details in the Ofcom drama ranges and example.org: generated, never committed.
const phoneOf = (i: number) => `07700 900${pad(i % 1000, 3)}`
const emailOf = (i: number) => `person.${i}@example.org`
const addressOf = (i: number) => `Flat ${1 + (i % 9)}, ${1 + (i % 200)} ${STREETS[i % STREETS.length]}, Leeds LS${1 + (i % 20)} ${1 + (i % 9)}AB`

const dir = mkdtempSync(join(tmpdir(), 'upc-check-time-'))
const db = openDatabase(join(dir, 'upc.db'))
migrate(db)
const now = Date.now()
// Production settings, except that check decisions are not audited: this measures normalise + look up.
const config = { ...loadConfig({ UPC_ESTABLISHMENT: 'HLI' }), audit: { checks: 'none' as const } }
const { entries, indexState, checks, auditWriter } = createServices(db, config, { hashKey: Buffer.alloc(32, 1), clock: () => now, logger: pino({ level: 'silent' }) })
const client = { name: 'bench' }

const started = performance.now()
db.pragma('synchronous = OFF') // set-up speed only; the daemon writes with synchronous=FULL
for (let i = 0; i < ENTRIES; i++) {
  entries.create({ scope: 'establishment', phones: [phoneOf(i)], emails: [emailOf(i)], addresses: [addressOf(i)], reason: 'synthetic' }, 'bench')
}
process.stdout.write(`created ${ENTRIES} entries in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
const loadStart = performance.now()
indexState.load()
process.stdout.write(`index loaded from the store in ${(performance.now() - loadStart).toFixed(0)} ms: ${indexState.index.size} entries, ${indexState.index.keyCount} keys\n`)

const notations = [
  (i: number) => phoneOf(i), (i: number) => `+44 7700 900${pad(i % 1000, 3)}`,
  (i: number) => `0044 (0)7700 900${pad(i % 1000, 3)}`, (i: number) => `447700900${pad(i % 1000, 3)}`
]
const kinds: Record<string, (i: number) => CheckBody> = {
  phone: (i) => ({ channel: 'phone', prisoner: 'A1234BC', phone: (notations[i % notations.length] as (i: number) => string)(i) }),
  email: (i) => ({ channel: 'email', prisoner: 'A1234BC', email: i % 2 === 0 ? emailOf(i) : ` Person.${i}+tag@Example.org ` }),
  address: (i) => ({ channel: 'mail', prisoner: 'A1234BC', address: i % 2 === 0 ? addressOf(i) : addressOf(i).toLowerCase().replace(' avenue', ' ave') })
}

for (const [kind, make] of Object.entries(kinds)) {
  const bodies = Array.from({ length: CHECKS }, (_, i) => make((i * 7919) % ENTRIES))
  for (const body of bodies.slice(0, 2000)) checks.check(body, client) // warm-up
  const times = new Float64Array(CHECKS)
  let blocked = 0
  for (let i = 0; i < CHECKS; i++) {
    const t0 = process.hrtime.bigint()
    const outcome = checks.check(bodies[i] as CheckBody, client)
    times[i] = Number(process.hrtime.bigint() - t0) / 1000
    if (outcome.decision === 'block') blocked++
  }
  times.sort()
  const at = (q: number) => percentile(times, q).toFixed(1)
  process.stdout.write(`${kind.padEnd(8)} median ${at(0.5)} us  p99 ${at(0.99)} us  (${CHECKS} checks, ${blocked} blocked)\n`)
}

auditWriter.close()
db.close()
rmSync(dir, { recursive: true, force: true })
