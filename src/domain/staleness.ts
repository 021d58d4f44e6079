/**
 * How stale the establishment's copy of the hub's entries is. Never synced counts as past every
 * limit: a new daemon with an empty index must not answer allow for blocks it has not received.
 */
export type Staleness = 'fresh' | 'warn' | 'fail'

export interface StalenessLimits { warnAfterSeconds: number, failAfterSeconds: number }

/**
 * How far in the future the last success may be and still count as just now: a clock corrected by
 * NTP moves by milliseconds; a bigger step backwards means the copy's age is not known.
 */
export const CLOCK_SKEW_MS = 5000

export function stalenessOf (lastSuccessAt: number | null, now: number, limits: StalenessLimits): Staleness {
  if (lastSuccessAt === null) return 'fail'
  const age = now - lastSuccessAt
  // A clock stepped backwards puts the last success in the future. Its negative age would read as
  // fresh for as long as the step, whatever happened since: unknown is stale, until a sync succeeds.
  // (Written so that a NaN age, which compares false both ways, is stale too.)
  if (!(age >= -CLOCK_SKEW_MS)) return 'fail'
  if (age > limits.failAfterSeconds * 1000) return 'fail'
  if (age > limits.warnAfterSeconds * 1000) return 'warn'
  return 'fresh'
}

/** Backoff before retry `attempt` (1, 2, ...): base * 2^(attempt-1), with full jitter on the top half. */
export function backoffMs (attempt: number, baseMs: number, random: number): number {
  const ceiling = baseMs * 2 ** (attempt - 1)
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}
