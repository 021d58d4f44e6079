import type { Attempt } from '../domain/alert-rules.js'

/**
 * Blocked attempts on their way from the check to the alert rules: a ring of fixed size, so that a
 * check adds one in constant time and never waits, allocates a buffer or fails. When the rules
 * fall behind and the ring is full, the newest attempt is dropped and counted (GET /metrics); the
 * audit trail still holds it.
 */
export function createAttemptQueue (capacity: number) {
  const ring: Array<Attempt | undefined> = new Array(capacity)
  let head = 0
  let length = 0
  let dropped = 0
  return {
    push (attempt: Attempt): void {
      if (length === capacity) {
        dropped++
        return
      }
      ring[(head + length) % capacity] = attempt
      length++
    },
    /** Everything queued, oldest first; the queue is empty after. */
    drain (): Attempt[] {
      const out: Attempt[] = []
      while (length > 0) {
        out.push(ring[head] as Attempt)
        ring[head] = undefined
        head = (head + 1) % capacity
        length--
      }
      return out
    },
    get length (): number { return length },
    /** attempts dropped because the queue was full, since start */
    get dropped (): number { return dropped }
  }
}

export type AttemptQueue = ReturnType<typeof createAttemptQueue>
