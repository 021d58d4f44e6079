import cron from 'node-cron'
import type { ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { SyncService } from '../services/sync.js'

/**
 * Pulls from the hub on the configured schedule, and once at start. The service itself never
 * lets two runs overlap (a tick during a long run joins it), and a failed run is reported, never
 * thrown: the daemon keeps serving checks from what it has.
 */
export function startSyncJob (sync: SyncService, schedule: string, log: Logger): { stop: () => Promise<void> } {
  const run = (trigger: string) => {
    sync.run(trigger).catch((err: unknown) => log.error({ err }, 'sync run failed'))
  }
  const task: ScheduledTask = cron.schedule(schedule, () => run('schedule'), { name: 'sync', noOverlap: true })
  run('start')
  return {
    async stop () {
      await task.stop()
    }
  }
}
