/**
 * Data key rotation: `npm run rotate-key`
 *
 * Re-seals every sealed value of the store named by the usual configuration (UPC_DB, UPC_CONFIG,
 * UPC_DATA_KEY_FILE ...) under a new AES-256-GCM key, in one transaction, then puts the new key in
 * the data key file (src/services/key-rotation.ts says how a crash at any step is survived). It
 * refuses while another process (the daemon) has the store open, and holds the store alone until it
 * is done, so no daemon starts under the old key meanwhile. Each store has its own key files by
 * default, so rotating one leaves the others' keys alone.
 * Run it again after an interruption and it finishes the interrupted rotation; each full run makes
 * one new key. The HMAC key is not rotated (docs/RELIABILITY.md says why).
 * Exit code: 0 done, 2 nothing could be done.
 */
import pino from 'pino'
import { ConfigError, loadConfig } from '../src/config.js'
import { prepareAtRest } from '../src/services/at-rest.js'
import { adoptSharedKeys, dataKeyFile, hashKeyFile, loadDataKeys, readKey } from '../src/services/key-file.js'
import { rotateDataKey } from '../src/services/key-rotation.js'
import { createAuditStore } from '../src/audit/store.js'
import { openDatabase } from '../src/store/db.js'
import { holdAlone } from '../src/store/store-lock.js'
import { migrate } from '../src/store/migrations.js'

const say = (line: string) => process.stdout.write(`${line}\n`)
const fail = (line: string): never => {
  process.stderr.write(`rotate-key: ${line}\n`)
  process.exit(2)
}

function configOrFail () {
  try {
    return loadConfig(process.env)
  } catch (err) {
    return fail(err instanceof ConfigError ? err.message : String(err))
  }
}
const config = configOrFail()
if (typeof config.dataKey === 'string') fail('UPC_DATA_KEY is set: a key given in the environment cannot be rotated here; use a data key file (UPC_DATA_KEY_FILE)')
const file = dataKeyFile(config)
try {
  adoptSharedKeys(config, (adoption) => say(`the store's key was in the folder's shared file ${adoption.from}: copied to ${adoption.to}, the store's own`))
  const hashKey = readKey(hashKeyFile(config)) ?? fail(`there is no HMAC key file ${hashKeyFile(config)}`)
  const db = openDatabase(config.db)
  try {
    holdAlone(db, config.db)
    migrate(db)
    // The keys are checked against the store (and an older store sealed) as at the daemon's start.
    prepareAtRest(db, { hashKey, dataKeys: loadDataKeys(config) }, { audit: createAuditStore(db, { hashKey }), clock: Date.now, log: pino({ level: 'silent' }) })
    const report = rotateDataKey(db, file, Date.now, { hashKey })
    if (report.action === 'finished') {
      say(`finished an interrupted rotation: the store was already sealed under key ${report.to}; ${file} now holds that key`)
    } else {
      say(`${report.values} values of ${config.db} re-sealed from key ${report.from} to key ${report.to} in one transaction${report.resumed ? ' (resuming an interrupted rotation)' : ''}`)
      say(`${file} now holds the new key; the old one is gone (start the daemon again)`)
    }
  } finally {
    db.close()
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err))
}
