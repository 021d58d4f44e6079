import type { BaseLogger } from 'pino'

/** Which cap refused a connection. */
export type RefusalCap = 'maxConnections' | 'maxConnectionsPerSource'

/**
 * Counts connections refused at a cap. The first refusal is logged at once; later ones are counted
 * and logged as one line a window, so a flood of refused connections is not a flood of log lines.
 * Nothing of the peer (its address) is logged.
 */
export function createRefusalLog (logger: Pick<BaseLogger, 'warn'>, service: 'http' | 'postfix-policy', windowMs = 60000) {
  let counts: Record<RefusalCap, number> = { maxConnections: 0, maxConnectionsPerSource: 0 }
  let window: NodeJS.Timeout | null = null

  function flush (): void {
    window = null
    if (counts.maxConnections + counts.maxConnectionsPerSource === 0) return
    logger.warn({ service, refused: counts }, 'connections refused at the cap')
    counts = { maxConnections: 0, maxConnectionsPerSource: 0 }
    window = setTimeout(flush, windowMs)
    window.unref()
  }

  return {
    refused (cap: RefusalCap): void {
      counts[cap] += 1
      if (window === null) flush()
    },
    stop (): void {
      if (window !== null) clearTimeout(window)
      window = null
    }
  }
}
