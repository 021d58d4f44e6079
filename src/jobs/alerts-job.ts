import type { Logger } from 'pino'
import type { AlertsService } from '../services/alerts.js'

/**
 * Reads the queue of blocked attempts through the alert rules every `everyMs`, beside requests and
 * never inside one; at a stop, once more, so that attempts already queued are not lost.
 */
export function startAlertsJob (alerts: AlertsService, everyMs: number, log: Logger): { stop: () => void } {
  const run = (): void => {
    try {
      alerts.drain()
    } catch (err) {
      log.error({ err }, 'alert rules failed')
    }
  }
  const timer = setInterval(run, everyMs)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
      run()
    }
  }
}
