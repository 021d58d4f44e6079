import cron from 'node-cron'
import type { ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { SyncService } from '../services/sync.js'

/** How often the watchdog looks, on the monotonic clock. */
const WATCHDOG_MS = 60_000

/**
 * Pulls from the hub on the configured schedule, and once at start. The service itself never
 * lets two runs overlap (a tick during a long run joins it), and a failed run is reported, never
 * thrown: the daemon keeps serving checks from what it has.
 *
 * node-cron finds its next tick by the wall clock, so a clock stepped back an hour puts the next
 * tick an hour away, while the copy of the hub's entries counts as stale from the moment of the
 * step (src/domain/staleness.ts) and fail-closed clients are refused. A watchdog on a timer, which
 * the wall clock does not move, starts a run whenever the copy is not fresh and none is going.
 */
export function startSyncJob (sync: SyncService, schedule: string, log: Logger, watchdogMs = WATCHDOG_MS, after?: () => Promise<unknown>): { stop: () => Promise<void> } {
  // `after` each run: the requests feed and the outcomes owed to the hub (services/request-routing.ts)
  const run = (trigger: string) => {
    sync.run(trigger).then(after).catch((err: unknown) => log.error({ err }, 'sync run failed'))
  }
  const task: ScheduledTask = cron.schedule(schedule, () => run('schedule'), { name: 'sync', noOverlap: true })
  const watchdog = setInterval(() => {
    if (!sync.running && sync.staleness() !== 'fresh') run('watchdog')
  }, watchdogMs)
  watchdog.unref()
  run('start')
  return {
    async stop () {
      clearInterval(watchdog)
      await task.stop()
    }
  }
}
