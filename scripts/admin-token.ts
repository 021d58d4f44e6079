/**
 * A new admin token, made on the host: `npm run admin-token -- [--name NAME]`
 *
 * For an operator who has lost the first-admin token (or any admin token) and has the host, not the
 * API: adds a client with roles admin and check to the store named by the usual configuration
 * (UPC_DB, UPC_CONFIG ...), audited as `client.create` by `host` (its name and roles, never the
 * token), and prints the token once. The daemon admits it from its next start. With clients
 * configured (UPC_TOKENS or `clients` in the config file) the stored clients are not used, so it
 * refuses and says to add the client there instead.
 * Exit code: 0 made, 2 nothing done.
 */
import pino from 'pino'
import { ConfigError, loadConfig } from '../src/config.js'
import { createServices } from '../src/services/create-services.js'
import { addHostClient, makeClient } from '../src/services/first-client.js'
import { loadDataKeys, loadHashKey } from '../src/services/key-file.js'
import { createClientsStore } from '../src/store/clients-store.js'
import { openDatabase } from '../src/store/db.js'
import { migrate } from '../src/store/migrations.js'

const NAME = /^[A-Za-z0-9._-]{1,64}$/
const args = process.argv.slice(2)
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

const nameAt = args.indexOf('--name')
const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)
const name = nameAt === -1 ? `admin-${stamp}` : args[nameAt + 1] ?? ''
if (!NAME.test(name)) fail('usage: npm run admin-token -- [--name NAME] (NAME: 1-64 of A-Z a-z 0-9 . _ -)')

let config
try {
  config = loadConfig(process.env)
} catch (err) {
  fail(err instanceof ConfigError ? err.message : String(err))
}
if (config === undefined) process.exit(2)
if (config.clients.length > 0) {
  fail('clients are configured (UPC_TOKENS or clients in the config file), so stored clients are not used: add the admin client there, with a token from `openssl rand -hex 32`')
}
const db = openDatabase(config.db)
migrate(db)
const clients = createClientsStore(db)
if (clients.all().some((client) => client.name === name)) fail(`a client named ${name} exists already: choose another --name`)
const services = createServices(db, config, { hashKey: loadHashKey(config), dataKeys: loadDataKeys(config), clock: Date.now, logger: pino({ level: 'silent' }) })
const made = makeClient(name, ['admin', 'check'])
addHostClient(clients, services.stores.audit, made, 'host', Date.now())
services.auditWriter.close()
db.close()
process.stdout.write([
  `Client "${name}" (roles admin, check) added to ${config.db}. Its token is shown this once; keep it safe:`,
  '',
  `  ${made.token}`,
  '',
  'Restart the daemon for it to take effect.',
  ''
].join('\n'))
