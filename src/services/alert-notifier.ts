import { createHmac, randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Alert } from '../store/alerts-store.js'
import { emailOf, noticeOf } from './alert-message.js'
import type { AlertNotice } from './alert-message.js'
import { sendMail } from './smtp-client.js'

/** The headers a webhook receiver checks (docs/ALERTS.md). */
export const SIGNATURE_HEADER = 'x-upc-signature'
export const TIMESTAMP_HEADER = 'x-upc-timestamp'

/** HMAC-SHA-256 over `<timestamp>.<body>`, hex: the timestamp is signed too, so a replay shows its age. */
export function webhookSignature (secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

interface Delivery { channel: 'webhook' | 'email', notice: AlertNotice, tries: number }

export interface NotifierDeps {
  config: Config['alerts']
  establishment: string
  log: Logger
  clock: () => number
  /** how the webhook is posted (the global fetch unless a test says) */
  fetch?: typeof fetch
}

/**
 * Tells the security team of each new alert: a signed webhook, an email through the SMTP relay, or
 * both. Each delivery is tried in the background, retried with exponential backoff, and given up
 * after the configured retries (logged with the alert id); a full queue drops the newest and counts
 * it. Nothing here ever throws into its caller, and no check waits for it.
 */
export function createAlertNotifier (deps: NotifierDeps) {
  const { config, log } = deps
  const doFetch = deps.fetch ?? fetch
  const channels: Array<'webhook' | 'email'> = []
  if (config.webhook.url !== null && config.webhook.secret !== null) channels.push('webhook')
  if (config.email.host !== null && config.email.to.length > 0) channels.push('email')
  const counts = { sent: { webhook: 0, email: 0 }, failed: { webhook: 0, email: 0 }, dropped: 0 }
  let inFlight = 0
  const timers = new Set<NodeJS.Timeout>()
  const idle: Array<() => void> = []
  let stopped = false

  async function deliver (delivery: Delivery): Promise<void> {
    if (delivery.channel === 'webhook') {
      const body = JSON.stringify(delivery.notice)
      const timestamp = String(Math.floor(deps.clock() / 1000))
      const res = await doFetch(config.webhook.url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: webhookSignature(config.webhook.secret as string, timestamp, body) },
        body,
        signal: AbortSignal.timeout(config.webhook.timeoutMs)
      })
      await res.arrayBuffer()
      if (res.status < 200 || res.status >= 300) throw new Error(`the webhook answered ${res.status}`)
      return
    }
    const { subject, text } = emailOf(delivery.notice)
    await sendMail({ host: config.email.host as string, port: config.email.port, timeoutMs: config.email.timeoutMs, helo: 'upc-guard' }, {
      from: config.email.from, to: config.email.to, subject, text, date: new Date(deps.clock()), messageId: `${randomUUID()}@upc-guard`
    })
  }

  function attempt (delivery: Delivery): void {
    inFlight++
    delivery.tries++
    deliver(delivery).then(() => {
      counts.sent[delivery.channel]++
      log.info({ alertId: delivery.notice.alertId, channel: delivery.channel }, 'alert sent')
    }, (err: Error) => {
      const settings = delivery.channel === 'webhook' ? config.webhook : config.email
      if (delivery.tries > settings.retries || stopped) {
        counts.failed[delivery.channel]++
        log.error({ alertId: delivery.notice.alertId, channel: delivery.channel, tries: delivery.tries, error: err.message }, 'alert could not be sent')
        return
      }
      // 1, 2, 4 ... times the base, with up to half again of jitter
      const wait = settings.retryBaseMs * 2 ** (delivery.tries - 1) * (1 + Math.random() / 2)
      log.warn({ alertId: delivery.notice.alertId, channel: delivery.channel, tries: delivery.tries, error: err.message }, 'alert not sent yet; will retry')
      inFlight++
      const timer = setTimeout(() => { timers.delete(timer); inFlight--; attempt(delivery) }, wait)
      timer.unref()
      timers.add(timer)
    }).finally(() => {
      inFlight--
      if (inFlight === 0) for (const resolve of idle.splice(0)) resolve()
    })
  }

  return {
    /** which channels are configured */
    channels,
    counts,
    notify (alert: Alert): void {
      if (stopped || channels.length === 0) return
      const notice = noticeOf(alert, deps.establishment, config.pageUrl)
      for (const channel of channels) {
        if (inFlight >= config.webhook.queueSize) {
          counts.dropped++
          log.error({ alertId: alert.id, channel }, 'alert not sent: too many waiting')
          continue
        }
        attempt({ channel, notice, tries: 0 })
      }
    },
    /** resolves when nothing is being sent or waiting to be retried */
    async settled (): Promise<void> {
      if (inFlight === 0) return
      return new Promise((resolve) => idle.push(resolve))
    },
    /** Stops retrying; what is on its way is left to finish. */
    stop (): void {
      stopped = true
      for (const timer of timers) clearTimeout(timer)
      inFlight -= timers.size
      timers.clear()
      if (inFlight <= 0) for (const resolve of idle.splice(0)) resolve()
    }
  }
}

export type AlertNotifier = ReturnType<typeof createAlertNotifier>
