import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { createKeyHasher } from '../domain/key-hash.js'
import type { FeedSigner } from '../domain/feed-signature.js'
import { derivedDataKey } from '../domain/sealed-value.js'
import { anchorOf, createAuditStore } from '../audit/index.js'
import { createChangesStore } from '../store/changes-store.js'
import type { Db } from '../store/db.js'
import { createEntriesStore } from '../store/entries-store.js'
import { createSyncStore } from '../store/sync-store.js'
import { createHeldChangesStore } from '../store/held-changes-store.js'
import { prepareAtRest } from './at-rest.js'
import { createAuditWriter } from '../audit/index.js'
import { createThreadedAuditWriter } from '../audit/index.js'
import { lineDestination } from '../logger.js'
import { createAuditTrailService } from './audit-trail.js'
import { createCheckService } from './check.js'
import { createEntriesService } from './entries.js'
import { createFeedService } from './feed.js'
import { createIndexState } from './index-state.js'
import { giveReferences } from './references.js'
import { rekeyStore } from './rekey.js'
import { createRetentionService } from './retention.js'
import { createMetrics } from './metrics.js'
import { createSyncService } from './sync.js'
import { upstreamTls } from '../tls-files.js'
import { createUpstreamClient } from './upstream-client.js'
import { createRemovalBrake } from './removal-brake.js'
import { createRequestsStore } from '../store/requests-store.js'
import { loadCalendar } from './calendar.js'
import { loadNoticeTemplates } from './notice-templates.js'
import { createRequestsService } from './requests.js'
import { createRequestRouting } from './request-routing.js'
import { createAlertsStore } from '../store/alerts-store.js'
import { createAlertsService } from './alerts.js'
import { createAttemptQueue } from './attempt-queue.js'
import { createAlertNotifier } from './alert-notifier.js'
import { createAttemptsService } from './attempts.js'
import { createEvidenceService } from './evidence.js'
import { createAttemptsStore } from '../store/attempts-store.js'
import { ownPhoneKeys } from './entry-records.js'

export interface ServiceDeps {
  hashKey: Buffer
  /**
   * AES-256-GCM keys for data at rest: the data key file's, and a pending rotation's if one was
   * left half done (the store's key id picks). Without it, a key derived from hashKey (HKDF): for
   * the benchmarks and scripts; the daemon always passes its data key file's (src/server.ts).
   */
  dataKeys?: readonly Buffer[]
  clock: () => number
  logger: Logger
  /** the hub's feed is fetched with this (tests pass one that fails on purpose) */
  fetch?: typeof fetch
  /** signs each change of the feeds this daemon serves (feedSigning.keyFile); none: unsigned */
  feedSigner?: FeedSigner | null
}

/** Every service of the daemon over one store, wired once, in dependency order. */
export function createServices (db: Db, config: Readonly<Config>, deps: ServiceDeps) {
  const { clock, logger } = deps
  const audit = createAuditStore(db, { hashKey: deps.hashKey })
  const keyed = audit.keyed
  if (keyed !== null) logger.warn({ auditRows: { from: keyed.firstId, to: keyed.lastId }, auditAnchor: anchorOf(audit) }, 'audit trail keyed: the rows written before now are in its first link')
  // Before anything reads the store: the keys are checked against it, an older store is sealed.
  const atRest = prepareAtRest(db, { hashKey: deps.hashKey, dataKeys: deps.dataKeys ?? [derivedDataKey(deps.hashKey)] }, { audit, clock, log: logger })
  // Before the index loads: keys made by an older version of the normalisers are made again.
  rekeyStore(db, { sealer: atRest.sealer, tokens: atRest.tokens, audit, clock, log: logger })
  const stores = {
    entries: createEntriesStore(db, atRest.sealer),
    audit,
    changes: createChangesStore(db),
    sync: createSyncStore(db, atRest.sealer),
    held: createHeldChangesStore(db, atRest.sealer),
    requests: createRequestsStore(db, atRest.sealer)
  }
  giveReferences(db, stores.entries, logger)
  const indexState = createIndexState(stores.entries, logger, clock)
  indexState.load()
  // Check records are written from a worker thread with its own connection; a :memory: store has
  // no second connection, so it writes them inline.
  const auditWriter = db.memory ? createAuditWriter(stores.audit, logger) : createThreadedAuditWriter(db.name, stores.audit, logger, { hashKey: deps.hashKey, lines: lineDestination(logger) })
  const metrics = createMetrics()
  const entries = createEntriesService({
    db, entries: stores.entries, changes: stores.changes, audit: stores.audit, auditWriter, indexState, clock, establishment: config.establishment, role: config.role, tokens: atRest.tokens,
    keyHash: createKeyHasher(deps.hashKey)
  })
  const requests = createRequestsService({
    db,
    requests: stores.requests,
    entries,
    audit: stores.audit,
    auditWriter,
    clock,
    calendar: loadCalendar(config.requests.bankHolidaysFile, config.requests.nation, config.requests.dayEndsAtHour, clock(), logger),
    establishment: config.establishment,
    role: config.role,
    locate: (prisoner) => stores.changes.location(prisoner),
    keyHash: createKeyHasher(deps.hashKey),
    noticeOverdueDays: config.requests.noticeOverdueDays,
    noticeTemplates: loadNoticeTemplates(config.requests.noticeTemplatesFile)
  })
  const brake = createRemovalBrake({
    db, entries: stores.entries, held: stores.held, audit: stores.audit, auditWriter, indexState, clock, tokens: atRest.tokens, settings: config.sync.removalBrake
  })
  const sync = createSyncService({
    db,
    entries: stores.entries,
    sync: stores.sync,
    audit: stores.audit,
    auditWriter,
    indexState,
    clock,
    log: logger,
    settings: { upstream: config.upstream ?? null, establishment: config.establishment, ...config.sync },
    tokens: atRest.tokens,
    metrics,
    client: createUpstreamClient({
      tls: upstreamTls(config.upstream ?? null),
      timeoutMs: config.sync.timeoutMs,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch })
    }),
    brake
  })
  const requestRouting = createRequestRouting({
    requests,
    store: stores.requests,
    clock,
    log: logger,
    signer: deps.feedSigner ?? null,
    upstream: config.upstream ?? null,
    establishment: config.establishment,
    client: createUpstreamClient({
      tls: upstreamTls(config.upstream ?? null),
      timeoutMs: config.sync.timeoutMs,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch })
    })
  })
  const attempts = config.alerts.enabled ? createAttemptQueue(config.alerts.queueSize) : undefined
  const notifier = createAlertNotifier({ config: config.alerts, establishment: config.establishment, log: logger, clock })
  const alertsStore = createAlertsStore(db)
  const alerts = createAlertsService({
    db,
    store: alertsStore,
    noticeOf: (entryId) => alertsStore.noticeAt(entryId),
    audit: stores.audit,
    queue: attempts ?? createAttemptQueue(10),
    rules: config.alerts,
    clock,
    log: logger,
    notify: (alert) => notifier.notify(alert),
    textContexts: (ids) => ids.flatMap((id) => {
      const row = stores.entries.get(id)
      return row === undefined ? [] : [{ protectedPerson: row.protected_person, ownPhoneKeys: ownPhoneKeys(stores.entries.details(id)) }]
    })
  })
  const checks = createCheckService({
    indexState,
    referenceOf: (id) => stores.entries.referenceOf(id),
    auditWriter,
    tokens: atRest.tokens,
    clock,
    establishment: config.establishment,
    auditChecks: config.audit.checks,
    staleness: () => sync.staleness(),
    failClosed: config.sync.failClosed,
    metrics,
    ...(attempts === undefined ? {} : { attempts })
  })
  const feed = createFeedService(stores.changes, stores.entries, deps.feedSigner ?? null)
  const retention = createRetentionService({
    db, entries: stores.entries, changes: stores.changes, audit: stores.audit, auditWriter, indexState, clock, log: logger, afterLiftDays: config.retention.afterLiftDays
  })
  const auditTrail = createAuditTrailService(stores.audit, auditWriter)
  const attemptsService = createAttemptsService({ audit: stores.audit, auditWriter, attempts: createAttemptsStore(db), entries, establishment: config.establishment })
  const evidence = createEvidenceService({ attempts: attemptsService, audit: stores.audit, clock })
  return { stores, indexState, auditWriter, auditTrail, entries, requests, requestRouting, sync, brake, checks, feed, retention, metrics, atRest, alerts, notifier, attempts: attemptsService, evidence }
}

export type Services = ReturnType<typeof createServices>
