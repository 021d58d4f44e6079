import { setBounded } from './bounded-map.js'

export interface AuthFailureOptions {
  /** unrecognised tokens one source address may present in one window */
  max: number
  timeWindowMs: number
}

/** Source addresses tracked at once; a new one past this evicts the oldest. */
export const MAX_FAILING_ADDRESSES = 10_000

interface Failures {
  /** unrecognised tokens in the window that ends at windowEnds */
  count: number
  windowEnds: number
  /** refused until then (0: not refused) */
  refusedUntil: number
  /** this streak of refusals has been logged */
  logged: boolean
}

/**
 * Unrecognised tokens counted per source address in a fixed window that starts at the address's
 * first failure. An address that reaches `max` is refused until its window ends, before any token
 * it sends is compared, so guessing runs at most `max` tokens a window from one address.
 *
 * A success never lowers the count: a caller that holds one real token (a metrics scraper's, say)
 * could otherwise mix it in to keep guessing another client's without end. A client that shares
 * an address with a guesser is refused with it until the window ends, except on a keep-alive
 * connection where its header already authenticated (plugins/auth.ts), which is no guess.
 *
 * Only failures allocate; a request with a known token does one map look-up here.
 */
export function createAuthFailures ({ max, timeWindowMs }: AuthFailureOptions) {
  const byAddress = new Map<string, Failures>()

  return {
    /** Seconds left while this address is refused, else 0. */
    refusedFor (address: string, now: number): number {
      const failures = byAddress.get(address)
      if (failures === undefined || failures.refusedUntil <= now) return 0
      // A clock stepped back must not refuse for longer than one window.
      if (failures.refusedUntil - now > timeWindowMs) {
        failures.refusedUntil = now + timeWindowMs
        failures.windowEnds = failures.refusedUntil
      }
      return Math.max(1, Math.ceil((failures.refusedUntil - now) / 1000))
    },

    /**
     * Counts one unrecognised token. True when this failure starts a streak of refusals: the
     * address is refused from now on, and was not refused in the window before (log it once).
     */
    fail (address: string, now: number): boolean {
      let failures = byAddress.get(address)
      if (failures === undefined) {
        failures = { count: 0, windowEnds: now + timeWindowMs, refusedUntil: 0, logged: false }
        setBounded(byAddress, address, failures, MAX_FAILING_ADDRESSES)
      } else if (now >= failures.windowEnds || failures.windowEnds - now > timeWindowMs) {
        // A quiet window since the last refusal ends the streak; a guesser that goes on at once stays in it.
        if (now >= failures.refusedUntil + timeWindowMs) failures.logged = false
        failures.count = 0
        failures.windowEnds = now + timeWindowMs
      }
      failures.count++
      if (failures.count < max) return false
      failures.refusedUntil = failures.windowEnds
      if (failures.logged) return false
      failures.logged = true
      return true
    }
  }
}

export type AuthFailures = ReturnType<typeof createAuthFailures>
