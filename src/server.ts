import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { createLogger } from './logger.js'
import { loadFeedSigningKey } from './services/feed-signing-key.js'
import { loadDataKeys, loadHashKey } from './services/key-file.js'
import type { KeyAdoption } from './services/key-file.js'

/** The shell: the only place that reads process.env, listens, handles signals and exits. */
async function main (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const logger = createLogger(config.logLevel)
  const adopted = (adoption: KeyAdoption) => logger.warn(adoption, 'the store\'s key was in the folder\'s shared key file: it is now in a file of its own (keep and back up both until every store has its own)')
  const hashKey = loadHashKey(config, adopted)
  const dataKeys = loadDataKeys(config, adopted)
  const signing = loadFeedSigningKey(config.feedSigning.keyFile)
  if (signing?.open === true) logger.warn({ file: config.feedSigning.keyFile }, 'the feed signing key file can be read by others than its owner: make it 600')
  if (signing !== null) logger.info({ kid: signing.signer.kid }, 'the feed is signed')
  const app = await buildApp(config, { hashKey, dataKeys, logger, feedSigner: signing?.signer ?? null })

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'draining and shutting down')
    // app.close waits for in-flight requests, refuses new ones with 503, then closes the database.
    app.close().then(() => {
      logger.info('stopped')
      logger.flush(() => process.exit(0))
    }, (err: unknown) => {
      logger.error({ err }, 'shutdown failed')
      logger.flush(() => process.exit(1))
    })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  const url = await app.listen({ host: config.host, port: config.port })
  const first = app.upc.firstStart
  // Port 0 takes any free port from the system; the one it gave is printed, so that whoever started
  // the daemon (a test, a script) reaches it without guessing a port another process may take first.
  if (config.port === 0 && first === null) process.stderr.write(`upc-guard is listening on ${url}\n`)
  if (first !== null) {
    // Kept and shown only now that the daemon is listening; printed to the terminal, never to the log.
    first.keep()
    process.stderr.write([
      '',
      `upc-guard is listening on ${url}`,
      'No client was configured, so an admin client "first-admin" (roles admin, check) was created.',
      'Its token is shown this once; keep it safe (npm run admin-token makes another on this host):',
      '',
      `  ${first.token}`,
      '',
      ''
    ].join('\n'))
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`upc-guard failed to start: ${err instanceof Error ? err.message : 'unknown error'}\n`)
  process.exit(1)
})
