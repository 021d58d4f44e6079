import type { Logger } from 'pino'
import { ALERT_TYPES, createAlertRules } from '../domain/alert-rules.js'
import type { AlertRulesConfig, AlertType, BlockFacts, Finding } from '../domain/alert-rules.js'
import { ConflictError, NotFoundError } from '../domain/errors.js'
import type { TextContext } from '../domain/personal-data-in-text.js'
import type { Alert, AlertFilter, AlertsStore } from '../store/alerts-store.js'
import type { AuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import type { AttemptQueue } from './attempt-queue.js'
import { checkFreeText } from './entries.js'

export interface AlertsDeps {
  db: Db
  store: AlertsStore
  audit: AuditStore
  queue: AttemptQueue
  rules: AlertRulesConfig
  clock: () => number
  log: Logger
  /** when the prisoner's written notice of this block was recorded; null: none is */
  noticeOf?: (entryId: string) => number | null
  /** what a note is read against: each named block's protected person and phone keys */
  textContexts: (entryIds: readonly string[]) => TextContext[]
  /** told of each new alert once it is stored (the webhook and email senders); never throws */
  notify?: (alert: Alert) => void
}

/** The alert rules over the queue of blocked attempts, and the SPOC's acknowledge and close. */
export function createAlertsService (deps: AlertsDeps) {
  const { db, store, audit, queue, clock } = deps
  const rules = createAlertRules(deps.rules)
  const raised: Record<AlertType, number> = { relay: 0, persistence: 0, after_notice: 0 }

  // IMMEDIATE: the write lock before the first read, so the audit thread cannot slip in between.
  const recordAll = db.transaction((findings: Finding[], at: number): Alert[] => {
    const out: Alert[] = []
    for (const finding of findings) {
      const alert = store.record(finding, at)
      if (alert === null) continue
      out.push(alert)
      audit.append({
        at, actor: 'alerts', action: 'alert.raise', entryId: alert.entryIds[0] ?? null, reason: null,
        detail: { alertId: alert.id, type: alert.type, entryIds: alert.entryIds, prisoners: alert.prisoners, attempts: alert.attempts }
      })
    }
    return out
  })

  const change = db.transaction((id: number, to: 'acknowledged' | 'closed', actor: string, note: string | null, at: number): Alert => {
    const done = to === 'acknowledged' ? store.acknowledge(id, at, actor, note as string) : store.close(id, at, actor, note)
    const alert = store.get(id)
    if (alert === undefined) throw new NotFoundError('no alert with that id')
    if (!done) {
      throw new ConflictError('alert_state', to === 'acknowledged'
        ? `the alert is ${alert.state}; only an open alert can be acknowledged`
        : `the alert is ${alert.state}; only an acknowledged alert can be closed`)
    }
    audit.append({
      at, actor, action: to === 'acknowledged' ? 'alert.acknowledge' : 'alert.close', entryId: alert.entryIds[0] ?? null, reason: note, detail: { alertId: id, type: alert.type }
    })
    return alert
  })

  /** A note is kept with the alert and in the audit trail: no contact detail, no protected person's name. */
  function checkNote (id: number, note: string | null): void {
    if (note === null) return
    const alert = store.get(id)
    if (alert === undefined) throw new NotFoundError('no alert with that id')
    for (const context of [{ protectedPerson: null, ownPhoneKeys: [] }, ...deps.textContexts(alert.entryIds)]) checkFreeText('note', note, context)
  }

  return {
    /**
     * Reads every queued attempt through the rules and stores what they find, in one transaction;
     * returns the new alerts. A failed write is logged and the findings are lost, never a check.
     */
    drain (): Alert[] {
      const attempts = queue.drain()
      if (attempts.length === 0) return []
      const facts = new Map<string, BlockFacts | undefined>()
      const blockOf = (entryId: string): BlockFacts | undefined => {
        if (!facts.has(entryId)) {
          const stored = store.blockFacts(entryId)
          facts.set(entryId, stored === undefined ? undefined : { ...stored, noticeAt: deps.noticeOf?.(entryId) ?? null })
        }
        return facts.get(entryId)
      }
      const findings = attempts.flatMap((attempt) => rules.see(attempt, blockOf))
      if (findings.length === 0) return []
      let alerts: Alert[]
      try {
        alerts = recordAll.immediate(findings, clock())
      } catch (err) {
        deps.log.error({ err, findings: findings.length }, 'alerts could not be stored')
        return []
      }
      for (const alert of alerts) {
        raised[alert.type]++
        deps.log.info({ alertId: alert.id, type: alert.type, entryIds: alert.entryIds }, 'alert raised')
        deps.notify?.(alert)
      }
      return alerts
    },

    acknowledge (id: number, note: string, actor: string): Alert {
      checkNote(id, note)
      return change.immediate(id, 'acknowledged', actor, note, clock())
    },

    close (id: number, note: string | null, actor: string): Alert {
      checkNote(id, note)
      return change.immediate(id, 'closed', actor, note, clock())
    },

    list (filter: AlertFilter, limit: number): Alert[] {
      return store.list(filter, limit)
    },

    /** For GET /metrics: alerts by state and type, raised since start, attempts queued and dropped. */
    gauges () {
      const byState = { open: 0, acknowledged: 0, closed: 0 }
      for (const { state, n } of store.counts()) byState[state] += n
      return { byState, raised: ALERT_TYPES.map((type) => [type, raised[type]] as const), queued: queue.length, dropped: queue.dropped }
    }
  }
}

export type AlertsService = ReturnType<typeof createAlertsService>
