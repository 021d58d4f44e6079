/**
 * In-process time of one check (normalise + look up), per kind, on its own: a store of N synthetic
 * entries in a temporary folder, filled and timed by the same code as `npm run bench`
 * (bench/fill-store.ts, bench/in-process.ts). Prints what it did.
 *
 *   npm run check-time -- --entries 10000 --checks 20000
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fillStore } from './bench/fill-store.js'
import { timeChecks } from './bench/in-process.js'
import { numberArg } from './lib/args.js'

const ENTRIES = numberArg('entries', 10_000)
const CHECKS = numberArg('checks', 20_000)
const HERE = 'HLI'
const say = (line: string) => process.stdout.write(`${line}\n`)

const dir = mkdtempSync(join(tmpdir(), 'upc-check-time-'))
try {
  const file = join(dir, 'upc.db')
  const keyFile = join(dir, 'upc.key')
  const fill = fillStore(file, ENTRIES, 'establishment', HERE, 1, keyFile)
  say(`created ${ENTRIES} entries (${fill.details} details) in ${fill.seconds.toFixed(1)} s`)
  const results = timeChecks(file, HERE, fill.details, CHECKS, keyFile, (load) => {
    say(`index loaded from the store in ${load.ms.toFixed(0)} ms: ${load.entries} entries, ${load.keys} keys`)
  })
  for (const r of results) {
    say(`${r.kind.padEnd(8)} median ${r.medianUs.toFixed(1)} us  p99 ${r.p99Us.toFixed(1)} us  (${r.checks} checks, ${r.blocked} blocked)`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
