/**
 * Child process of the benchmark: builds the index from a store exactly as the daemon does at start,
 * then prints the time it took and the process's peak RSS, as JSON on one line.
 */
import pino from 'pino'
import { dataKey, derivedDataKey } from '../../src/domain/sealed-value.js'
import { createSealer } from '../../src/services/at-rest.js'
import { createIndexState } from '../../src/services/index-state.js'
import { openDatabase } from '../../src/store/db.js'
import { createEntriesStore } from '../../src/store/entries-store.js'

const db = openDatabase(process.argv[2] as string)
// The key fill-store.ts's store is sealed under (derived from its HMAC key, Buffer.alloc(32, 9)).
const key = dataKey(derivedDataKey(Buffer.alloc(32, 9)))
const state = createIndexState(createEntriesStore(db, createSealer(db, key, [key])), pino({ level: 'silent' }), Date.now)
const started = performance.now()
state.load()
const seconds = (performance.now() - started) / 1000
global.gc?.()
process.stdout.write(`${JSON.stringify({
  seconds,
  entries: state.index.size,
  keys: state.index.keyCount,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1048576)
})}\n`)
db.close()
