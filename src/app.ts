import Fastify, { LogController } from 'fastify'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { FeedSigner } from './domain/feed-signature.js'
import { createLogger } from './logger.js'
import { registerAuth } from './plugins/auth.js'
import { clientErrorHandler } from './plugins/client-errors.js'
import { capConnections, connectionOptions } from './plugins/connections.js'
import { registerDrain } from './plugins/drain.js'
import { registerRateLimit } from './plugins/rate-limit.js'
import type { RouteRule } from './plugins/auth.js'
import { frameworkErrors, registerErrorHandlers } from './plugins/errors.js'
import { registerRequestLog } from './plugins/request-log.js'
import { registerSecurityHeaders } from './plugins/security-headers.js'
import { alertRoutes } from './routes/alerts.js'
import { attemptRoutes } from './routes/attempts.js'
import { auditRoutes } from './routes/audit.js'
import { requestValidatorCompiler } from './schemas/ajv.js'
import { checkRoutes } from './routes/check.js'
import { entryRoutes } from './routes/entries.js'
import { healthRoutes } from './routes/health.js'
import { heldRemovalRoutes } from './routes/held-removals.js'
import { requestRoutes } from './routes/requests.js'
import { metricsRoutes } from './routes/metrics.js'
import { createDaemonJobs } from './jobs/daemon-jobs.js'
import { anchorOf } from './audit/index.js'
import { syncRoutes } from './routes/sync.js'
import { createServices } from './services/create-services.js'
import { readGauges } from './services/metrics.js'
import { pageRoutes } from './routes/pages.js'
import { whoamiRoutes } from './routes/whoami.js'
import { firstClientIfNone, keepFirstClient } from './services/first-client.js'
import { warnIfStoreOpen } from './services/store-modes.js'
import { createClientsStore } from './store/clients-store.js'
import { DAEMON_BUSY_TIMEOUT_MS, openDatabase } from './store/db.js'
import { migrate } from './store/migrations.js'
import { serverTls } from './tls-files.js'

export interface AppDeps {
  /** HMAC key for the hashes of match keys in logs and audit (see src/services/key-file.ts) */
  hashKey: Buffer
  /** AES-256-GCM data key(s) for contact details at rest (see services/create-services.ts) */
  dataKeys?: readonly Buffer[]
  logger?: Logger
  /** epoch ms; tests pass a fake clock instead of sleeping */
  clock?: () => number
  /** how the hub's feed is fetched; tests pass one that fails on purpose */
  fetch?: typeof fetch
  /** the hub's feed signing key (services/feed-signing-key.ts); none: the feed is served unsigned */
  feedSigner?: FeedSigner | null
}

declare module 'fastify' {
  interface FastifyInstance {
    upc: {
      /**
       * With no client configured or stored: the first-start admin token, admitted already, and
       * keep() to store it, which the shell calls once the daemon is listening, then prints the
       * token once. Null when clients exist.
       */
      firstStart: { token: string, keep: () => void } | null
      /** every registered route with its auth rule, for the security meta-test */
      routes: RouteRule[]
      /** the port of Postfix's policy service once the app is ready; null while it is off */
      policyPort: () => number | null
      /** runs the alert rules over the queued attempts now, as the alerts job does every alerts.everyMs (tests) */
      alertsNow: () => void
    }
  }
}

/** Builds the daemon without listening: every test builds a real one (docs/DEVELOPMENT.md, Principles). */
export async function buildApp (config: Readonly<Config>, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? Date.now
  const logger = deps.logger ?? createLogger(config.logLevel)

  // 1. fastify with the logger; one log line per request is ours (plugins/request-log.ts); HTTPS when
  // http.tls names the files, with client certificates required when it names their CA
  const https = serverTls(config.http.tls ?? null)
  const app = Fastify({
    ...(https === null ? {} : { https }),
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger a request (a pino child each costs more than the line it writes): the lines
    // that concern a request carry its reqId themselves.
    childLoggerFactory: (parent) => parent,
    bodyLimit: config.http.bodyLimit,
    // Time limits on every connection, and the answer to what node cannot parse as a request.
    ...connectionOptions(config.http),
    clientErrorHandler: clientErrorHandler(logger as FastifyBaseLogger),
    // Refused in the drain plugin instead, with a body that says "unavailable" (plugins/drain.ts).
    return503OnClosing: false,
    frameworkErrors,
    routerOptions: { maxParamLength: 100 }
  })
  capConnections(app, config.http.maxConnections, logger as FastifyBaseLogger)
  app.setValidatorCompiler(requestValidatorCompiler())
  // JSON only (docs/API.md): anything else is a 415, not a string that fails the schema.
  app.removeContentTypeParser('text/plain')

  // 2. the store, migrated, and closed last; a store other users can read is reported, not changed
  const db = openDatabase(config.db, DAEMON_BUSY_TIMEOUT_MS)
  migrate(db)
  warnIfStoreOpen(config, logger)
  const clientsStore = createClientsStore(db)

  // 3. clients: configured ones and the ones the daemon made itself
  const first = firstClientIfNone(clientsStore, config.clients)
  // Once clients are configured, they are the only ones: a forgotten first-start token stops working.
  const clients = config.clients.length > 0 ? config.clients : first !== null ? [first.client] : clientsStore.all()
  if (config.clients.length > 0 && clientsStore.all().length > 0) {
    logger.warn('clients are configured, so the client(s) the daemon created on first start are ignored')
  }

  // 4. services, the index (loaded from the store), and the jobs that run beside requests (jobs/daemon-jobs.ts)
  if (config.upstream?.allowInsecureHttp === true) {
    logger.warn({ key: 'upstream.allowInsecureHttp' }, 'upstream.allowInsecureHttp is on: a feed over plain http to another host can be rewritten on the way, and a rewritten feed can lift every block; for a test network only')
  }
  let services
  try {
    services = createServices(db, config, {
      hashKey: deps.hashKey,
      clock,
      logger,
      ...(deps.dataKeys === undefined ? {} : { dataKeys: deps.dataKeys }),
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      feedSigner: deps.feedSigner ?? null
    })
  } catch (err) {
    db.close() // a wrong key stops start-up (services/at-rest.ts): leave the store closed
    throw err
  }
  const { indexState, auditWriter, entries, sync, checks, feed } = services
  if (config.role === 'hub' && (deps.feedSigner ?? null) === null) {
    logger.warn('the hub serves its feeds unsigned (no feedSigning.keyFile): establishments that verify will quarantine every change')
  }
  const jobs = createDaemonJobs(db, config, services, logger)
  app.addHook('onReady', jobs.start)
  app.addHook('onClose', async () => {
    await jobs.stop()
    auditWriter.close()
    // The chain's last link at the stop: an anchor for the log to carry off the host (docs/AUDIT.md).
    try {
      const anchor = anchorOf(services.stores.audit)
      if (anchor !== null) logger.info({ auditAnchor: anchor }, 'audit chain anchor')
    } catch (err) {
      logger.error({ err }, 'audit chain anchor could not be read')
    }
    db.close()
  })

  // 5. auth (deny by default, unrecognised tokens limited per address), then the rate limit
  const routes = registerAuth(app, () => clients, { failures: config.http.authFailures, clock })
  const firstStart = first === null ? null : { token: first.token, keep: () => keepFirstClient(clientsStore, first, clock()) }
  app.decorate('upc', { firstStart, routes, policyPort: jobs.policyPort, alertsNow: () => { services.alerts.drain() } })
  const limit = registerRateLimit(app, { ...config.http.rateLimit, clock })

  // 6. errors, the 404 handler (rate-limited), the one log line per request and the security headers
  registerErrorHandlers(app)
  registerDrain(app) // a SIGTERM's drain ends once the requests in flight are answered
  app.setNotFoundHandler({ preHandler: limit }, async (_request, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such route' }))
  registerRequestLog(app)
  registerSecurityHeaders(app)

  // 7. the OpenAPI document, generated from the same schemas
  await app.register(swagger, {
    openapi: {
      info: { title: 'upc-guard', version: '1', description: 'Block enforcement for the Unwanted Prisoner Contact service' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }]
    }
  })

  // 8. routes
  await app.register(healthRoutes({
    indexState, sync, failClosed: config.sync.failClosed, heldRemovals: () => services.brake.heldCount(), dataKeyCurrent: () => services.atRest.sealer.isCurrent()
  }))
  await app.register(checkRoutes(checks, config.http.batchBodyLimit))
  await app.register(entryRoutes(entries))
  await app.register(auditRoutes(services.auditTrail))
  await app.register(whoamiRoutes())
  await app.register(syncRoutes(feed, sync, entries, async () => services.requestRouting.run({ all: true })))
  await app.register(heldRemovalRoutes(services.brake))
  await app.register(requestRoutes(services.requests, services.requestRouting))
  await app.register(alertRoutes(services.alerts, entries))
  await app.register(attemptRoutes(services.attempts, services.evidence))
  await app.register(metricsRoutes(services.metrics, () => readGauges({
    indexState, sync, auditWriter, brake: services.brake, alerts: services.alerts, notices: services.notifier, clock, lastSyncSuccessAt: () => services.stores.sync.state().last_success_at, requests: services.requests
  })))
  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger())
  await app.register(pageRoutes()) // the mail-room and SPOC pages from public/, with their CSP

  return app
}
