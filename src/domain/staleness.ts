/**
 * How stale the establishment's copy of the hub's entries is. Never synced counts as past every
 * limit: a new daemon with an empty index must not answer allow for blocks it has not received.
 */
export type Staleness = 'fresh' | 'warn' | 'fail'

export interface StalenessLimits { warnAfterSeconds: number, failAfterSeconds: number }

export function stalenessOf (lastSuccessAt: number | null, now: number, limits: StalenessLimits): Staleness {
  if (lastSuccessAt === null) return 'fail'
  const age = now - lastSuccessAt
  if (age > limits.failAfterSeconds * 1000) return 'fail'
  if (age > limits.warnAfterSeconds * 1000) return 'warn'
  return 'fresh'
}

/** Backoff before retry `attempt` (1, 2, ...): base * 2^(attempt-1), with full jitter on the top half. */
export function backoffMs (attempt: number, baseMs: number, random: number): number {
  const ceiling = baseMs * 2 ** (attempt - 1)
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}
