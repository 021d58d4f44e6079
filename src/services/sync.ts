import type { Logger } from 'pino'
import type { MatchTokens } from '../domain/key-hash.js'
import { backoffMs, stalenessOf } from '../domain/staleness.js'
import type { Staleness } from '../domain/staleness.js'
import { ajv, describeError } from '../schemas/ajv.js'
import { feedChange, feedPage } from '../schemas/feed.js'
import type { FeedChange, FeedPage } from '../schemas/feed.js'
import type { AuditRecord, AuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import type { DetailRow, EntriesStore, EntryRow } from '../store/entries-store.js'
import type { SyncStore } from '../store/sync-store.js'
import type { AuditAction } from '../domain/audit-actions.js'
import type { AuditWriter } from '../audit/index.js'
import { personalDataIn } from '../domain/personal-data-in-text.js'
import { keyDetails, ownPhoneKeys, rowFromFeed, toIndexEntry } from './entry-records.js'
import { createFeedVerifier } from './feed-verifier.js'
import type { IndexState } from './index-state.js'
import type { Metrics } from './metrics.js'
import type { RemovalBrake } from './removal-brake.js'
import { startSyncCheckpoints } from './sync-checkpointer.js'
import { SyncError } from './sync-error.js'
import type { UpstreamClient, UpstreamIdentity } from './upstream-client.js'

const validatePage = ajv.compile<FeedPage>(feedPage)
const validateChange = ajv.compile<FeedChange>(feedChange)

/** The most pages one run reads, so that a run always ends; the next run goes on from the cursor. */
const MAX_PAGES_PER_RUN = 10_000

/**
 * The most bytes one item of a page may take. The feed schema bounds an entry to about 75,000
 * characters (50 phones, 50 emails, 20 addresses of 12 lines, the reasons), and a signed item
 * carries it twice (the entry, and the signed text that holds it again); 512 KiB leaves room for
 * UTF-8 and JSON escapes. A page larger than pageSize items of it is not a page of the feed: a hub
 * or a proxy gone wrong could otherwise stream until the daemon runs out of memory.
 */
const MAX_ITEM_BYTES = 512 * 1024

/** Items of a page a transaction: a check waits behind at most one chunk's keying and commit. */
const CHUNK = 20

export interface SyncSettings {
  /** publicKeys: the hub's feed signing keys (src/services/feed-verifier.ts) */
  upstream: { url: string, token: string, publicKeys?: readonly string[] } | null
  establishment: string
  pageSize: number
  timeoutMs: number
  retries: number
  retryBaseMs: number
  warnAfterSeconds: number
  failAfterSeconds: number
}

export interface SyncDeps {
  db: Db
  entries: EntriesStore
  sync: SyncStore
  audit: AuditStore
  auditWriter: AuditWriter
  indexState: IndexState
  clock: () => number
  log: Logger
  settings: SyncSettings
  /** each establishment keys the hub's details with its own HMAC key */
  tokens: MatchTokens
  /** counts the hub entries stored with their reason withheld */
  metrics?: Metrics
  /** how the hub's feed is fetched (src/services/upstream-client.ts) */
  client: UpstreamClient
  /** holds removals past its threshold for a person (services/removal-brake.ts) */
  brake: RemovalBrake
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export interface SyncReport {
  ok: boolean
  pages: number
  applied: number
  removed: number
  quarantined: number
  /** removals held by the brake for a person */
  held: number
  cursor: number
  startedAt: string
  finishedAt: string
  error: string | null
}

/** How often, and after what pause, a chunk that found the store busy is tried again. */
const BUSY_RETRIES = 5
const BUSY_PAUSE_MS = 20

/** Thrown inside a chunk's transaction (which then rolls back) when it must audit after all. */
class NeedsFlush extends Error {}

/** Lets the event loop answer what waits (checks) before the next slice of a sync. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

interface PageResult {
  applied: number
  removed: number
  quarantined: number
  touched: Array<{ row: EntryRow, details: DetailRow[] } | { removed: string }>
  /** ids of the entries applied with a reason withheld */
  withheld: string[]
  /** removals held by the brake */
  held: number
}

/**
 * What a hub entry's reason (or lift reason) is stored as when it holds personal data: the block
 * is kept (dropping it would leave the victim unprotected), its reason is not.
 */
export const WITHHELD_REASON = 'withheld here: the reason from the hub held a phone number, email address, postcode or the protected person\'s name'

/**
 * The row with any reason that holds personal data (personal-data-in-text.ts) replaced by
 * WITHHELD_REASON; whether one was.
 */
function withholdReasons (row: EntryRow, details: DetailRow[]): boolean {
  const context = { protectedPerson: row.protected_person, ownPhoneKeys: ownPhoneKeys(details) }
  let withheld = false
  if (personalDataIn(row.reason, context) !== null) {
    row.reason = WITHHELD_REASON
    withheld = true
  }
  if (row.lift_reason !== null && personalDataIn(row.lift_reason, context) !== null) {
    row.lift_reason = WITHHELD_REASON
    withheld = true
  }
  return withheld
}

/**
 * The establishment side of sync: pull pages of the hub's feed after our cursor, validate each,
 * apply each page with its cursor in ONE transaction, then update the index. Runs never overlap.
 */
export function createSyncService (deps: SyncDeps) {
  const { db, entries, sync, audit, indexState, clock, log, settings } = deps
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const random = deps.random ?? Math.random
  const verifier = createFeedVerifier(settings.upstream?.publicKeys ?? [], settings.establishment)
  /** The hub that sent the page being applied, for the trail of a held or admitted removal: its certificate's subject, else its origin. */
  const upstreamLabel = (): string | null => {
    if (pageUpstream !== null) return pageUpstream.subject ?? pageUpstream.origin
    return settings.upstream === null ? null : new URL(settings.upstream.url).origin
  }
  let running: Promise<SyncReport> | null = null
  let queued: Promise<SyncReport> | null = null
  /** Who answered: the page being applied, and the run's last answer (runs never overlap). */
  let pageUpstream: UpstreamIdentity | null = null
  let answeredBy: UpstreamIdentity | null = null

  function start (trigger: string): Promise<SyncReport> {
    running = runOnce(trigger).finally(() => { running = null })
    return running
  }

  async function request (cursor: number): Promise<{ body: unknown, upstream: UpstreamIdentity }> {
    const upstream = settings.upstream as { url: string, token: string }
    const url = new URL('/v1/feed', upstream.url)
    url.searchParams.set('since', String(cursor))
    url.searchParams.set('limit', String(settings.pageSize))
    const headers = { authorization: `Bearer ${upstream.token}`, accept: 'application/json' }
    const response = await deps.client.get(url, headers, settings.pageSize * MAX_ITEM_BYTES)
    answeredBy = response.upstream
    if (response.status !== 200) {
      throw new SyncError(`the hub answered ${response.status}`, response.status >= 500 || response.status === 429)
    }
    try {
      return { body: JSON.parse(response.text), upstream: response.upstream }
    } catch {
      throw new SyncError('the page is not JSON', false)
    }
  }

  async function requestWithRetries (cursor: number): Promise<{ body: unknown, upstream: UpstreamIdentity }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(cursor)
      } catch (err) {
        if (!(err instanceof SyncError) || !err.retryable || attempt >= settings.retries) throw err
        await sleep(backoffMs(attempt + 1, settings.retryBaseMs, random()))
      }
    }
  }

  function checkPage (body: unknown, cursor: number): FeedPage {
    if (!validatePage(body)) throw new SyncError(`the page does not match the feed schema: ${describeError(validatePage.errors?.[0], 'page')}`, false)
    const lastSeq = body.changes.reduce((max, change) => Math.max(max, change.seq), cursor)
    // A hub whose cursor goes back (restored, or not the hub) is not followed: nothing it sends is
    // read as a removal of what it no longer lists, and the cursor stays.
    if (body.next < cursor) throw new SyncError('the hub\'s cursor went back behind this establishment\'s', false)
    if (body.next < lastSeq) throw new SyncError('the page\'s next cursor is behind its changes', false)
    return body
  }

  /**
   * An item read and keyed before its transaction, so that the transaction itself only reads the
   * store's state of the entry and writes: keying is a large part of applying an item, and a
   * check waits behind every transaction. What needs the store (is the id a local entry's, erased
   * here) is decided in the transaction, in feed order, so an item meets the same fate either way.
   */
  /** `kid`: the id of the hub's key that signed the item (null: unsigned, or no key to verify with). */
  type Prepared =
    | { item: unknown, seq: number, op: 'invalid', reason: string, kid: string | null }
    | { item: FeedChange, seq: number, op: 'remove', id: string, kid: string | null }
    | { item: FeedChange, seq: number, op: 'upsert', id: string, elsewhere: boolean, reject: string | null, row: EntryRow | null, details: DetailRow[], withheld: boolean, kid: string | null }

  function prepare (item: unknown): Prepared {
    const seq = (item as { seq: number }).seq
    if (!validateChange(item)) {
      return { item, seq, op: 'invalid', reason: `the item does not match the feed schema: ${describeError(validateChange.errors?.[0], 'item')}`, kid: null }
    }
    // A change that is not the hub's, for here and this seq, is quarantined: a remove or a lift that
    // does not verify leaves the block in force.
    const proof = verifier.check(item)
    if (!proof.ok) return { item, seq, op: 'invalid', reason: proof.reason, kid: proof.kid }
    const kid = proof.kid
    if (item.op === 'remove') return { item, seq, op: 'remove', id: item.entry.id, kid }
    const entry = item.entry
    // Another establishment's entry is held back whatever its details: they are not keyed here.
    if (entry.scope !== 'national' && entry.establishment !== settings.establishment) {
      return { item, seq, op: 'upsert', id: entry.id, elsewhere: true, reject: null, row: null, details: [], withheld: false, kid }
    }
    // A time that does not read, or a lift without its time, is never stored: the item is
    // quarantined, and an entry already held here keeps blocking as it was.
    const read = rowFromFeed(entry)
    if ('unreadable' in read) {
      return { item, seq, op: 'upsert', id: entry.id, elsewhere: false, reject: `${read.unreadable} is not an RFC 3339 date-time`, row: null, details: [], withheld: false, kid }
    }
    const row = read.row
    if ((row.status === 'lifted') !== (row.lifted_at !== null)) {
      return { item, seq, op: 'upsert', id: entry.id, elsewhere: false, reject: 'liftedAt must be set exactly when status is lifted', row: null, details: [], withheld: false, kid }
    }
    const { details, rejects } = keyDetails(row.id, entry, deps.tokens)
    const reject = rejects.length > 0 || details.length === 0
      ? (rejects[0] === undefined ? 'the entry has no contact detail' : `a detail cannot be keyed: ${rejects[0].field}`)
      : null
    const withheld = reject === null && withholdReasons(row, details)
    return { item, seq, op: 'upsert', id: entry.id, elsewhere: false, reject, row, details, withheld, kid }
  }

  /**
   * Whether applying `items` may write an audit record: every change applied, removed or
   * quarantined is audited with the key that signed it, so any item may.
   */
  const mayAudit = (items: readonly Prepared[]) => items.length > 0

  /**
   * Applies `items` (prepared items of one page, all after `cursor`) and moves the cursor to `to`,
   * in one transaction: the items and the cursor that covers them commit together or not at all.
   * Each change applied, removed or quarantined is audited in the same transaction, with the id of
   * the hub's key that signed it. Queued check records must be in the store before these records
   * (`flushed`), so that the trail's ids follow time; if the transaction meets an audit the caller
   * did not foresee, it throws NeedsFlush and is run again after the flush.
   */
  const applyChanges = db.transaction((items: readonly Prepared[], cursor: number, to: number, at: number, flushed: boolean): PageResult => {
    const result: PageResult = { applied: 0, removed: 0, quarantined: 0, touched: [], withheld: [], held: 0 }
    // kid: the hub's key that signed the change (its claimed one, for a quarantined change)
    const record = (action: AuditAction, entryId: string | null, reason: string | null, detail: { seq: number | null, kid: string | null, status?: string }) => {
      if (!flushed) throw new NeedsFlush()
      audit.append({ at, actor: 'sync', action, entryId, reason, detail: { ...detail, upstream: pageUpstream } })
    }
    // The brake's records go to the trail together, at the end of the transaction.
    const braked: AuditRecord[] = []
    const brake = deps.brake.gate(at, upstreamLabel(), (record) => {
      if (!flushed) throw new NeedsFlush()
      braked.push(record)
    })
    const quarantine = (item: unknown, reason: string, kid: string | null) => {
      if (!flushed) throw new NeedsFlush()
      const seq = typeof (item as { seq?: unknown }).seq === 'number' ? (item as { seq: number }).seq : null
      const entryId = typeof (item as { entry?: { id?: unknown } }).entry?.id === 'string' ? (item as { entry: { id: string } }).entry.id : null
      sync.quarantine(at, seq, entryId, reason, item)
      record('sync.quarantine', entryId, reason, { seq, kid })
      result.quarantined++
    }
    const states = entries.hubStates(items.flatMap((p) => (p.op === 'invalid' ? [] : [p.id])))
    for (const p of items) {
      if (p.seq <= cursor) continue // already applied: a page read twice changes nothing
      if (p.op === 'invalid') {
        quarantine(p.item, p.reason, p.kid)
        continue
      }
      const state = states.get(p.id)
      if (state?.origin === 'local') {
        quarantine(p.item, 'the id belongs to an entry made at this establishment', p.kid)
        continue
      }
      if (p.op === 'remove') {
        if (!brake.admit({ seq: p.seq, id: p.id, item: p.item, next: null, exists: state !== undefined, kid: p.kid })) {
          result.held++
          continue
        }
        // the brake writes the removal's audit row (sync.remove, with its kind)
        if (entries.removeHubEntry(p.id)) result.removed++
        states.delete(p.id)
        result.touched.push({ removed: p.id })
        continue
      }
      if (p.elsewhere) {
        quarantine(p.item, 'the entry is for another establishment', p.kid)
        continue
      }
      // Erased here by retention: a later copy from the hub must not bring the details back.
      if (state?.erased === true) continue
      if (p.reject !== null || p.row === null) {
        quarantine(p.item, p.reject ?? 'the entry has no contact detail', p.kid)
        continue
      }
      if (!brake.admit({ seq: p.seq, id: p.id, item: p.item, next: { row: p.row, details: p.details }, exists: state !== undefined, kid: p.kid })) {
        result.held++
        continue
      }
      entries.putHubEntry(p.row, p.details, state === undefined)
      record('sync.apply', p.id, null, { seq: p.seq, kid: p.kid, status: p.row.status })
      // The same entry again later in this transaction (a page may carry it for two audiences).
      states.set(p.id, { origin: 'hub', erased: false })
      result.applied++
      result.touched.push({ row: p.row, details: p.details })
      if (p.withheld) result.withheld.push(p.id)
    }
    audit.appendMany(braked)
    sync.advance(to, result.applied + result.removed, result.quarantined)
    return result
  })

  /**
   * One chunk's transaction, without waiting for the disk, after a flush only if it may audit.
   * The audit thread writes check records on its own connection: a chunk that finds the write lock
   * held past the busy timeout (SQLITE_BUSY, nothing written) is tried again after a pause, a few
   * times, rather than ending the run; flushing before every chunk would instead wait for the
   * thread with the event loop held.
   */
  async function applyChunk (items: readonly Prepared[], from: number, to: number): Promise<PageResult> {
    let flushed = mayAudit(items)
    if (flushed) deps.auditWriter.flush()
    for (let busy = 0; ; ) {
      try {
        return sync.withoutSync(() => applyChanges.immediate(items, from, to, clock(), flushed))
      } catch (err) {
        if (err instanceof NeedsFlush && !flushed) {
          deps.auditWriter.flush()
          flushed = true
          continue
        }
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || ++busy > BUSY_RETRIES) throw err
        await sleep(BUSY_PAUSE_MS)
      }
    }
  }

  /**
   * A page in short transactions of CHUNK items, each with the cursor at its last item's seq (the
   * last one at the page's next), and the event loop free between them: a check waits behind one
   * chunk, not a whole page. A chunk is keyed in its own turn of the loop before its
   * transaction, so that a check waits behind the keying or the writing of a chunk, never both.
   * A crash keeps every chunk committed before it, each with the cursor that covers exactly it,
   * and the next run reads the rest of the page again. A page whose seqs do not rise strictly goes
   * in one transaction: a chunk's cursor would skip items.
   *
   * The audit writer is flushed before a chunk that writes audit records (one that applies,
   * removes or quarantines anything): with the threaded writer, flush() blocks the event loop
   * (Atomics.wait) until the audit thread has written its batch, so a check can wait behind that
   * write once a chunk; a flush finds nothing to write when no check was audited since the last.
   */
  async function applyPage (page: FeedPage, cursor: number): Promise<PageResult> {
    const total: PageResult = { applied: 0, removed: 0, quarantined: 0, touched: [], withheld: [], held: 0 }
    const fresh = page.changes.filter((item) => item.seq > cursor)
    const rising = fresh.every((item, i) => i === 0 || item.seq > (fresh[i - 1] as { seq: number }).seq)
    const chunks = rising && fresh.length > 0 ? Math.ceil(fresh.length / CHUNK) : 1
    let from = cursor
    for (let c = 0; c < chunks; c++) {
      const items = chunks === 1 ? fresh : fresh.slice(c * CHUNK, (c + 1) * CHUNK)
      const last = c === chunks - 1
      const to = last ? Math.max(cursor, page.next) : (items[items.length - 1] as { seq: number }).seq
      if (c > 0) await yieldToLoop()
      const prepared = items.map(prepare)
      await yieldToLoop()
      const result = await applyChunk(prepared, from, to)
      updateIndex(result.touched)
      for (const entryId of result.withheld) log.warn({ entryId }, 'a hub entry\'s reason held personal data: the block is stored with its reason withheld')
      if (deps.metrics !== undefined) deps.metrics.reasonsWithheld += result.withheld.length
      total.withheld.push(...result.withheld)
      total.applied += result.applied
      total.removed += result.removed
      total.quarantined += result.quarantined
      total.held += result.held
      from = to
    }
    return total
  }

  /** After the commit, never before: the index only ever shows what the store holds. */
  function updateIndex (touched: PageResult['touched']): void {
    for (const item of touched) {
      if ('removed' in item) indexState.index.remove(item.removed)
      else if (item.row.status === 'active') indexState.index.upsert(toIndexEntry(item.row, item.details))
      else indexState.index.remove(item.row.id)
    }
  }

  async function runOnce (trigger: string): Promise<SyncReport> {
    const started = clock()
    const report: SyncReport = { ok: false, pages: 0, applied: 0, removed: 0, quarantined: 0, held: 0, cursor: sync.state().cursor, startedAt: new Date(started).toISOString(), finishedAt: '', error: null }
    let withheld = 0
    // Started with the first page of more than one chunk: a run that moves a few entries
    // checkpoints inline, as every other write does.
    let stopCheckpoints: (() => void) | null = null
    pageUpstream = null
    answeredBy = null
    if (!verifier.verifies) log.warn({ trigger }, 'the hub\'s feed is applied unverified: no upstream.publicKeys, and upstream.insecureUnsignedFeed is set')
    try {
      let prefetched: ReturnType<typeof requestWithRetries> | null = null
      for (let hasMore = true; hasMore && report.pages < MAX_PAGES_PER_RUN;) {
        const cursor = sync.state().cursor
        const answer = await (prefetched ?? requestWithRetries(cursor))
        pageUpstream = answer.upstream
        const page = checkPage(answer.body, cursor)
        prefetched = null
        // The next page is asked for before this one is applied, so that the hub reads it while
        // this store writes. It starts after this page's cursor, which the apply below
        // moves to exactly there; if the apply fails, the run ends and the answer is dropped.
        if (page.hasMore && page.changes.length > 0 && report.pages + 1 < MAX_PAGES_PER_RUN) {
          prefetched = requestWithRetries(Math.max(cursor, page.next))
          prefetched.catch(() => {})
        }
        if (stopCheckpoints === null && page.changes.length > CHUNK) stopCheckpoints = startSyncCheckpoints(db, log)
        const result = await applyPage(page, cursor)
        report.pages++
        report.applied += result.applied
        report.removed += result.removed
        report.quarantined += result.quarantined
        withheld += result.withheld.length
        report.held += result.held
        report.cursor = sync.state().cursor
        hasMore = page.hasMore && page.changes.length > 0
      }
      report.ok = true
    } catch (err) {
      report.error = err instanceof SyncError ? err.message : 'the sync failed unexpectedly'
      if (!(err instanceof SyncError)) log.error({ err }, 'sync failed')
    } finally {
      stopCheckpoints?.()
    }
    const finished = clock()
    report.finishedAt = new Date(finished).toISOString()
    db.transaction(() => {
      if (report.ok) sync.succeeded(finished)
      else sync.failed(finished, report.error ?? '')
      audit.append({
        at: finished,
        actor: 'sync',
        action: 'sync.run',
        entryId: null,
        reason: report.error,
        detail: { trigger, ok: report.ok, pages: report.pages, applied: report.applied, removed: report.removed, quarantined: report.quarantined, reasonsWithheld: withheld, held: report.held, cursor: report.cursor, durationMs: finished - started, upstream: answeredBy ?? { origin: upstreamOrigin() } }
      })
    })()
    const staleness = stalenessNow()
    const fields = { trigger, ok: report.ok, pages: report.pages, applied: report.applied, removed: report.removed, quarantined: report.quarantined, held: report.held, cursor: report.cursor, error: report.error, staleness }
    if (!report.ok || staleness !== 'fresh' || report.held > 0) log.warn(fields, 'sync run')
    else log.info(fields, 'sync run')
    return report
  }

  /** The upstream as configured, for a run that got no answer: scheme, host and port, never a path or password. */
  function upstreamOrigin (): string {
    return new URL((settings.upstream as { url: string }).url).origin
  }

  function stalenessNow (): Staleness {
    return stalenessOf(sync.state().last_success_at, clock(), settings)
  }

  return {
    configured: settings.upstream !== null,

    /**
     * Runs a sync now. Runs never overlap: while one is going, one more is queued to start when it
     * ends (however many ask), so every caller gets a run that began after it asked.
     */
    run (trigger: string): Promise<SyncReport> {
      if (settings.upstream === null) return Promise.reject(new Error('sync is not configured'))
      if (running === null) return start(trigger)
      queued ??= running.then(() => {
        queued = null
        return start(trigger)
      })
      return queued
    },

    get running () { return running !== null },

    /** fresh, warn or fail; always fresh when no upstream is configured (nothing to be stale about). */
    staleness (): Staleness {
      return settings.upstream === null ? 'fresh' : stalenessNow()
    },

    status () {
      const state = sync.state()
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
      return {
        configured: settings.upstream !== null,
        running: running !== null,
        cursor: state.cursor,
        lastSuccessAt: iso(state.last_success_at),
        lastAttemptAt: iso(state.last_attempt_at),
        lastError: state.last_error,
        appliedTotal: state.applied_total,
        quarantinedTotal: state.quarantined_total,
        staleness: settings.upstream === null ? 'fresh' : stalenessNow(),
        warnAfterSeconds: settings.warnAfterSeconds,
        failAfterSeconds: settings.failAfterSeconds,
        quarantine: sync.recentQuarantine(20).map((row) => ({ id: row.id, at: new Date(row.at).toISOString(), seq: row.seq, entryId: row.entry_id, reason: row.reason }))
      }
    }
  }
}

export type SyncService = ReturnType<typeof createSyncService>
