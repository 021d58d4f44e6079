import cron from 'node-cron'
import type { ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { RetentionService } from '../services/retention.js'
import { anchorOf } from '../audit/index.js'
import type { AuditStore } from '../audit/index.js'

/**
 * Erases the contact details of entries past the retention period, on the configured schedule
 * (nightly by default). Runs never overlap; a failed run is logged, never thrown, and the next
 * tick tries again (each erasure commits on its own, so a failure loses nothing done).
 * After each run the audit chain's last link goes to the log: shipped off the host, those lines are
 * anchors for `npm run audit:verify -- --anchor L<seq>:<mac>` (docs/AUDIT.md).
 */
export function startRetentionJob (retention: RetentionService, audit: AuditStore, schedule: string, log: Logger): { stop: () => Promise<void> } {
  const task: ScheduledTask = cron.schedule(schedule, () => {
    try {
      retention.run()
    } catch (err) {
      log.error({ err }, 'retention run failed')
    }
    try {
      const anchor = anchorOf(audit)
      if (anchor !== null) log.info({ auditAnchor: anchor }, 'audit chain anchor')
    } catch (err) {
      log.error({ err }, 'audit chain anchor could not be read')
    }
  }, { name: 'retention', noOverlap: true })
  return {
    async stop () {
      await task.stop()
    }
  }
}
