import type { CheckBody } from '../schemas/check.js'

type Channel = CheckBody['channel']
type Decided = 'block' | 'allow'

const CHANNELS: readonly Channel[] = ['phone', 'mail', 'email', 'message']

/**
 * Counters for GET /metrics. Their labels are closed sets (a channel, a decision), never a value from
 * a request, so nothing personal can reach the scraper. One integer increment on the check path.
 */
export function createMetrics () {
  const checks: Record<Channel, Record<Decided, number>> = {
    phone: { block: 0, allow: 0 },
    mail: { block: 0, allow: 0 },
    email: { block: 0, allow: 0 },
    message: { block: 0, allow: 0 }
  }
  return {
    checks,
    /** check requests answered unavailable because the index was not loaded or too stale */
    unavailable: 0,
    /** hub entries stored with their reason withheld, because it held personal data */
    reasonsWithheld: 0,
    decided (channel: Channel, decision: Decided): void {
      checks[channel][decision]++
    }
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/** What the metrics page reads besides the counters; null where there is nothing to say. */
export interface Gauges {
  indexReady: boolean
  indexVersion: number
  indexEntries: number
  indexKeys: number
  syncConfigured: boolean
  /** seconds since the last successful sync, null when there has been none or no upstream */
  syncAgeSeconds: number | null
  auditQueued: number
  residentBytes: number
  /** the brake on removals: changes waiting for a person, ever held, and how those resolved */
  heldRemovals: { held: number, heldTotal: number, released: number, discarded: number, superseded: number }
  /** requests waiting for a decision past their due date (docs/REQUESTS.md) */
  requestsOverdue: number
  /** approved restrictions with no notice to the prisoner past requests.noticeOverdueDays */
  noticesOverdue: number
  /** alerts by state, raised since start by type, and blocked attempts waiting for the rules or dropped */
  alerts: { byState: Record<'open' | 'acknowledged' | 'closed', number>, raised: ReadonlyArray<readonly [string, number]>, queued: number, dropped: number }
  /** alerts told by webhook and email: sent, given up after the retries, dropped with too many waiting */
  notices: { sent: Record<'webhook' | 'email', number>, failed: Record<'webhook' | 'email', number>, dropped: number }
}

/** Where the gauges are read from, each time the metrics page is asked for. */
export interface GaugeSources {
  indexState: { readonly ready: boolean, readonly index: { readonly version: number, readonly size: number, readonly keyCount: number } }
  sync: { readonly configured: boolean }
  /** epoch ms of the last successful sync, null when there has been none */
  lastSyncSuccessAt: () => number | null
  auditWriter: { readonly queued: number }
  brake: { counts: () => Gauges['heldRemovals'] }
  requests: { overdueCount: () => number, noticeOverdueCount: () => number }
  alerts: { gauges: () => Gauges['alerts'] }
  notices: { readonly counts: Gauges['notices'] }
  clock: () => number
}

/** The gauges as they are now. */
export function readGauges (sources: GaugeSources): Gauges {
  const { indexState, sync, auditWriter, brake, clock } = sources
  const lastSuccessAt = sync.configured ? sources.lastSyncSuccessAt() : null
  return {
    indexReady: indexState.ready,
    indexVersion: indexState.index.version,
    indexEntries: indexState.index.size,
    indexKeys: indexState.index.keyCount,
    syncConfigured: sync.configured,
    syncAgeSeconds: lastSuccessAt === null ? null : Math.max(0, Math.round((clock() - lastSuccessAt) / 1000)),
    auditQueued: auditWriter.queued,
    residentBytes: process.memoryUsage.rss(),
    heldRemovals: brake.counts(),
    requestsOverdue: sources.requests.overdueCount(),
    noticesOverdue: sources.requests.noticeOverdueCount(),
    alerts: sources.alerts.gauges(),
    notices: sources.notices.counts
  }
}

/** The Prometheus text exposition format, version 0.0.4. */
export function renderMetrics (metrics: Metrics, gauges: Gauges): string {
  const lines: string[] = []
  const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[string, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
  }
  family('upc_checks_total', 'counter', 'Contact attempts decided, by channel and decision.',
    CHANNELS.flatMap((channel) => (['block', 'allow'] as const).map((decision): [string, number] =>
      [`{channel="${channel}",decision="${decision}"}`, metrics.checks[channel][decision]])))
  family('upc_checks_unavailable_total', 'counter', 'Check requests answered unavailable (index not loaded or too stale).', [['', metrics.unavailable]])
  family('upc_sync_reasons_withheld_total', 'counter', 'Hub entries stored with their reason withheld, because it held personal data.', [['', metrics.reasonsWithheld]])
  family('upc_index_ready', 'gauge', '1 when the block index is loaded.', [['', gauges.indexReady ? 1 : 0]])
  family('upc_index_version', 'gauge', 'Version of the block index in memory.', [['', gauges.indexVersion]])
  family('upc_index_entries', 'gauge', 'Entries in force in the block index.', [['', gauges.indexEntries]])
  family('upc_index_keys', 'gauge', 'Match keys in the block index.', [['', gauges.indexKeys]])
  family('upc_sync_configured', 'gauge', '1 when an upstream hub is configured.', [['', gauges.syncConfigured ? 1 : 0]])
  if (gauges.syncAgeSeconds !== null) {
    family('upc_sync_age_seconds', 'gauge', 'Seconds since the last successful sync.', [['', gauges.syncAgeSeconds]])
  }
  const held = gauges.heldRemovals
  family('upc_sync_removals_held', 'gauge', 'Removals from the hub held by the brake, waiting for a person.', [['', held.held]])
  family('upc_sync_removals_held_total', 'counter', 'Removals from the hub ever held by the brake.', [['', held.heldTotal]])
  family('upc_sync_removals_resolved_total', 'counter', 'Held removals resolved: released or discarded by a person, or superseded by the hub.',
    (['released', 'discarded', 'superseded'] as const).map((outcome): [string, number] => [`{outcome="${outcome}"}`, held[outcome]]))
  family('upc_requests_overdue', 'gauge', 'Requests waiting for a decision past their due date.', [['', gauges.requestsOverdue]])
  family('upc_requests_notice_overdue', 'gauge', 'Approved restrictions with no notice to the prisoner recorded in time.', [['', gauges.noticesOverdue]])
  const alerts = gauges.alerts
  family('upc_alerts', 'gauge', 'Alerts on blocked attempts, by state.',
    (['open', 'acknowledged', 'closed'] as const).map((state): [string, number] => [`{state="${state}"}`, alerts.byState[state]]))
  family('upc_alerts_raised_total', 'counter', 'Alerts raised since start, by rule.', alerts.raised.map(([type, n]): [string, number] => [`{type="${type}"}`, n]))
  family('upc_alert_attempts_queued', 'gauge', 'Blocked attempts waiting for the alert rules.', [['', alerts.queued]])
  family('upc_alert_attempts_dropped_total', 'counter', 'Blocked attempts the alert rules never saw because their queue was full.', [['', alerts.dropped]])
  const notices = gauges.notices
  family('upc_alert_notices_total', 'counter', 'New alerts told by webhook or email: sent, or given up after the retries.',
    (['webhook', 'email'] as const).flatMap((channel) => (['sent', 'failed'] as const).map((outcome): [string, number] =>
      [`{channel="${channel}",outcome="${outcome}"}`, notices[outcome][channel]])))
  family('upc_alert_notices_dropped_total', 'counter', 'New alerts not told because too many deliveries were waiting.', [['', notices.dropped]])
  family('upc_audit_queue_length', 'gauge', 'Check records waiting to be written to the audit trail.', [['', gauges.auditQueued]])
  family('process_resident_memory_bytes', 'gauge', 'Resident set size of the daemon.', [['', gauges.residentBytes]])
  return lines.join('\n') + '\n'
}
