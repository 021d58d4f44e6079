import cron from 'node-cron'
import type { ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { RetentionService } from '../services/retention.js'

/**
 * Erases the contact details of entries past the retention period, on the configured schedule
 * (nightly by default). Runs never overlap; a failed run is logged, never thrown, and the next
 * tick tries again (each erasure commits on its own, so a failure loses nothing done).
 */
export function startRetentionJob (retention: RetentionService, schedule: string, log: Logger): { stop: () => Promise<void> } {
  const task: ScheduledTask = cron.schedule(schedule, () => {
    try {
      retention.run()
    } catch (err) {
      log.error({ err }, 'retention run failed')
    }
  }, { name: 'retention', noOverlap: true })
  return {
    async stop () {
      await task.stop()
    }
  }
}
