/**
 * How long the start-up re-key takes (src/services/rekey.ts): a store of N synthetic entries is
 * filled, marked as keyed by an older version, and re-keyed once, timed.
 *
 *   npx tsx scripts/bench/rekey-time.ts --entries 20000
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { createAuditStore } from '../../src/audit/store.js'
import { openDatabase } from '../../src/store/db.js'
import { prepareAtRest } from '../../src/services/at-rest.js'
import { rekeyStore } from '../../src/services/rekey.js'
import { numberArg } from '../lib/args.js'
import { fillStore, storeKeys } from './fill-store.js'

const ENTRIES = numberArg('entries', 20_000)
const dir = mkdtempSync(join(tmpdir(), 'upc-rekey-'))
try {
  const file = join(dir, 'rekey.db')
  const { details } = fillStore(file, ENTRIES, 'establishment', 'BEN')
  const db = openDatabase(file)
  db.prepare('UPDATE key_state SET keying_version = 0').run()
  const log = pino({ level: 'silent' })
  const audit = createAuditStore(db, { hashKey: storeKeys(file).hashKey })
  const atRest = prepareAtRest(db, storeKeys(file), { audit, clock: Date.now, log })
  const started = performance.now()
  const changed = rekeyStore(db, { sealer: atRest.sealer, tokens: atRest.tokens, audit, clock: Date.now, log })
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`${ENTRIES} entries, ${details} details: re-keyed ${changed} in ${seconds.toFixed(2)} s, ${(seconds * 1e6 / details).toFixed(1)} us a detail\n`)
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
