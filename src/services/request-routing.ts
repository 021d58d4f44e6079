import type { Logger } from 'pino'
import { keyRing, signChange, verifyChange } from '../domain/feed-signature.js'
import type { FeedSigner } from '../domain/feed-signature.js'
import { ajv, describeError } from '../schemas/ajv.js'
import { outcomeAck, requestFeedChange, requestFeedPage } from '../schemas/request.js'
import type { RequestFeedChange, RequestFeedItem } from '../schemas/request.js'
import type { RequestsStore } from '../store/requests-store.js'
import type { RequestsService } from './requests.js'
import { SyncError } from './sync-error.js'
import type { UpstreamClient } from './upstream-client.js'

const validatePage = ajv.compile<{ changes: unknown[], next: number, hasMore: boolean }>(requestFeedPage)
const validateChange = ajv.compile<RequestFeedChange>(requestFeedChange)
const validateAck = ajv.compile<{ eventId: string, result: string }>(outcomeAck)

/** Pages one pull reads at most, so that a pull always ends; the next goes on from the cursor. */
const MAX_PAGES = 100
const PAGE_SIZE = 100
const MAX_PAGE_BYTES = 8 * 1024 * 1024
/** Outcomes sent a round, and the wait before one the hub did not take is sent again. */
const OUTBOX_BATCH = 50
const RETRY_BASE_MS = 5_000
const RETRY_MAX_MS = 600_000

export interface RequestRoutingDeps {
  requests: RequestsService
  store: RequestsStore
  clock: () => number
  log: Logger
  /** the hub's feed signing key: every change of the requests feed is signed with it */
  signer: FeedSigner | null
  /** an establishment's upstream hub (its URL, feed token and the hub's public keys); null at the hub */
  upstream: { url: string, token: string, publicKeys?: readonly string[], insecureUnsignedFeed?: boolean } | null
  client: UpstreamClient
  /** this daemon's establishment: the requests feed it pulls is signed for it */
  establishment: string
}

/**
 * Requests travel between the hub and the establishments (docs/REQUESTS.md, "Routing"). Down: the
 * hub serves each establishment a feed of the requests for the prisoners it holds, compacted and
 * signed like the feed of entries, which the establishment pulls with its feed token after each
 * sync. Up: the establishment reports each step (arrival, decision, notice) to the hub over the
 * same channel, from an outbox kept in its store: a report the hub has not acknowledged is sent
 * again later, and the hub applies each report's event id once. Establishments open every
 * connection; the hub never calls into a prison.
 */
export function createRequestRouting (deps: RequestRoutingDeps) {
  const { requests, store, clock, log } = deps
  const keys = keyRing(deps.upstream?.publicKeys ?? [])
  const verifies = keys.size > 0 || deps.upstream?.insecureUnsignedFeed !== true
  let running: Promise<RoutingReport> | null = null

  /** Hub: the changes after `since` for one establishment, oldest first, each signed for it. */
  function page (establishment: string, since: number, limit: number) {
    const rows = store.changesAfter(establishment, since, limit + 1)
    const hasMore = rows.length > limit
    const changes = rows.slice(0, limit).map((row) => {
      const item = row.op === 'upsert' ? requests.feedItem(row.request_id) : null
      const change = item === null
        ? { seq: row.seq, op: 'request.withdraw' as const, request: { id: row.request_id } }
        : { seq: row.seq, op: 'request.upsert' as const, request: item }
      return deps.signer === null ? change : { ...change, ...signChange(deps.signer, establishment, { seq: change.seq, op: change.op, entry: change.request }) }
    })
    const last = changes[changes.length - 1]
    return { changes, next: last === undefined ? since : last.seq, hasMore }
  }

  const headers = () => ({ authorization: `Bearer ${deps.upstream?.token ?? ''}`, accept: 'application/json' })
  const url = (path: string) => new URL(path, deps.upstream?.url)

  /**
   * Establishment: applies the hub's requests after the cursor, one at a time, the cursor moving
   * past each only once it is applied. An item that fails its signature or schema stops the pull
   * there (it is tried again next time, and the error says so): a request is never skipped.
   */
  async function pull (): Promise<number> {
    let applied = 0
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const since = store.cursor()
      const target = url('/v1/feed/requests')
      target.searchParams.set('since', String(since))
      target.searchParams.set('limit', String(PAGE_SIZE))
      const answer = await deps.client.get(target, headers(), MAX_PAGE_BYTES)
      if (answer.status !== 200) throw new SyncError(`the hub answered ${answer.status} for the requests feed`, true)
      let body: unknown
      try { body = JSON.parse(answer.text) } catch { throw new SyncError('the requests feed page is not JSON', false) }
      if (!validatePage(body)) throw new SyncError(`the requests feed page does not match its schema: ${describeError(validatePage.errors?.[0], 'page')}`, false)
      for (const item of body.changes) {
        if (!validateChange(item)) throw new SyncError(`a change of the requests feed does not match its schema: ${describeError(validateChange.errors?.[0], 'change')}`, false)
        if (item.seq <= since) throw new SyncError('the requests feed went backwards', false)
        if (verifies) {
          const proof = verifyChange({ seq: item.seq, op: item.op, entry: item.request, signed: item.signed, sig: item.sig, kid: item.kid }, deps.establishment, keys)
          if (!proof.ok) throw new SyncError(`a change of the requests feed failed its signature check (seq ${item.seq}): ${proof.reason}`, false)
        }
        if (item.op === 'request.upsert') {
          const request = item.request as RequestFeedItem
          if (request.establishment !== deps.establishment) throw new SyncError(`a request of the requests feed is for another establishment (seq ${item.seq})`, false)
          if (requests.receive(request) === 'new') applied++
        } else {
          requests.withdraw((item.request as { id: string }).id)
        }
        store.setCursor(item.seq)
      }
      if (!body.hasMore || body.changes.length === 0) break
    }
    return applied
  }

  /** Establishment: sends the outcomes owed to the hub, oldest first; one not taken is retried later. */
  async function deliver (all: boolean): Promise<{ delivered: number, waiting: number }> {
    let delivered = 0
    for (const event of store.dueEvents(all ? Number.MAX_SAFE_INTEGER : clock(), OUTBOX_BATCH)) {
      const report = requests.reportOf(event.event_id, event.request_id)
      if (report === null) { store.delivered(event.event_id, clock()); continue }
      try {
        const answer = await deps.client.post(url('/v1/requests/outcomes'), headers(), JSON.stringify(report), 64 * 1024)
        let ack: unknown = null
        try { ack = JSON.parse(answer.text) } catch { /* judged below */ }
        if (answer.status === 200 && validateAck(ack) && ack.eventId === event.event_id) {
          store.delivered(event.event_id, clock())
          delivered++
          continue
        }
        log.warn({ requestId: event.request_id, eventId: event.event_id, status: answer.status }, 'the hub did not take a request\'s outcome; it is sent again later')
      } catch (err) {
        log.warn({ requestId: event.request_id, eventId: event.event_id, error: err instanceof SyncError ? err.message : 'unexpected' }, 'a request\'s outcome could not reach the hub; it is sent again later')
      }
      store.retryLater(event.event_id, clock() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** event.attempts))
      break // in order: a later outcome of the same request never overtakes an earlier one
    }
    return { delivered, waiting: store.waitingCount() }
  }

  async function runOnce (all: boolean): Promise<RoutingReport> {
    const report: RoutingReport = { received: 0, delivered: 0, waiting: 0, error: null }
    try {
      report.received = await pull()
    } catch (err) {
      report.error = err instanceof SyncError ? err.message : 'the requests feed failed unexpectedly'
      if (!(err instanceof SyncError)) log.error({ err }, 'requests feed failed')
    }
    // Outcomes go up whether or not the pull worked: they were decided here.
    const sent = await deliver(all)
    report.delivered = sent.delivered
    report.waiting = sent.waiting
    if (report.error !== null || report.received > 0 || report.delivered > 0) log.info({ ...report }, 'requests routed')
    return report
  }

  return {
    configured: deps.upstream !== null,
    page,
    /**
     * Pulls the hub's requests and sends the outcomes owed; runs never overlap. `all`: a person
     * asked (POST /v1/sync), so outcomes waiting out their retry pause are sent now too.
     */
    async run (options: { all?: boolean } = {}): Promise<RoutingReport> {
      if (deps.upstream === null) return { received: 0, delivered: 0, waiting: 0, error: null }
      if (running !== null) await running.catch(() => {})
      running ??= runOnce(options.all === true).finally(() => { running = null })
      return running
    }
  }
}

export interface RoutingReport { received: number, delivered: number, waiting: number, error: string | null }
export type RequestRouting = ReturnType<typeof createRequestRouting>
