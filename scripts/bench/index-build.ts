/**
 * Child process of the benchmark: builds the index from a store exactly as the daemon does at start,
 * then prints the time it took and the process's peak RSS, as JSON on one line.
 */
import pino from 'pino'
import { dataKey } from '../../src/domain/sealed-value.js'
import { createSealer } from '../../src/services/at-rest.js'
import { createIndexState } from '../../src/services/index-state.js'
import { openDatabase } from '../../src/store/db.js'
import { createEntriesStore } from '../../src/store/entries-store.js'
import { storeKeys } from './fill-store.js'

const db = openDatabase(process.argv[2] as string)
// The data key fill-store.ts sealed the store under (argument 3: the HMAC key file it was given).
const keys = storeKeys(process.argv[2] as string, process.argv[3]).dataKeys.map(dataKey)
const state = createIndexState(createEntriesStore(db, createSealer(db, keys[0] as ReturnType<typeof dataKey>, keys)), pino({ level: 'silent' }), Date.now)
const started = performance.now()
const cpu = process.cpuUsage()
state.load()
const seconds = (performance.now() - started) / 1000
const used = process.cpuUsage(cpu)
// A full collection with the index loaded: what a major GC of this heap costs, since a major GC
// pauses every check. The first also drops the load's garbage.
global.gc?.()
const gcStarted = performance.now()
global.gc?.()
const fullGcMs = performance.now() - gcStarted
process.stdout.write(`${JSON.stringify({
  seconds,
  // CPU of the load itself (user + system), steadier than wall time on a shared machine
  cpuSeconds: (used.user + used.system) / 1e6,
  entries: state.index.size,
  keys: state.index.keyCount,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1048576),
  fullGcMs: Math.round(fullGcMs)
})}\n`)
db.close()
