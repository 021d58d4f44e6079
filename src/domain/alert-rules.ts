import type { Scope } from './block-index.js'

/**
 * The rules that turn blocked attempts into alerts (docs/ALERTS.md). Pure: the time of each attempt
 * is its own `at`, the blocks' facts come from the caller, and the windows live in memory here.
 */
export type AlertType = 'relay' | 'persistence' | 'after_notice'

export const ALERT_TYPES: readonly AlertType[] = ['relay', 'persistence', 'after_notice']

/** One attempt as the check produced it: ids, never a contact detail. */
export interface Attempt {
  at: number
  prisoner: string
  channel: string
  /** the blocks that blocked it */
  entryIds: readonly string[]
  /** prisoner-scope blocks of another prisoner that hold a detail it tried (they did not block it) */
  heldForOthers: readonly string[]
}

/** What the rules need to know of a block. */
export interface BlockFacts {
  scope: Scope
  /** the block's own prisoner (prisoner scope), else null */
  prisoner: string | null
  /** when the block was made (epoch ms) */
  madeAt: number
  /** when the prisoner's written notice was recorded, or null when none is (then madeAt and the grace count) */
  noticeAt: number | null
}

export interface AlertRulesConfig {
  relay: { enabled: boolean, windowMinutes: number, prisoners: number }
  persistence: { enabled: boolean, windowMinutes: number, attempts: number }
  afterNotice: { enabled: boolean, graceMinutes: number }
}

export const DEFAULT_RULES: AlertRulesConfig = {
  relay: { enabled: true, windowMinutes: 7 * 24 * 60, prisoners: 2 },
  persistence: { enabled: true, windowMinutes: 24 * 60, attempts: 3 },
  afterNotice: { enabled: true, graceMinutes: 24 * 60 }
}

/**
 * What a rule found. `key` names what it is about, so that one live alert gathers every later
 * attempt on the same thing: relay:<entry>, persistence:<prisoner>, after_notice:<entry>:<prisoner>.
 */
export interface Finding {
  type: AlertType
  key: string
  entryIds: string[]
  prisoners: string[]
  at: number
  /** attempts inside the rule's window that the finding rests on (1 for after_notice) */
  attempts: number
}

const MINUTE = 60_000
/** Remembered at most, by entry and by prisoner: past it the oldest key is forgotten. */
const MAX_KEYS = 100_000
/** Times remembered at most for one key: enough for any threshold the config allows. */
const MAX_TIMES = 1_000

interface Seen { at: number, prisoner: string }

/** A map that forgets its oldest key past `max`, so that memory stays bounded whatever comes. */
function boundedMap<V> (max: number): Map<string, V> & { touch: (key: string, value: V) => void } {
  const map = new Map<string, V>() as Map<string, V> & { touch: (key: string, value: V) => void }
  map.touch = (key, value) => {
    map.delete(key)
    map.set(key, value)
    if (map.size > max) map.delete(map.keys().next().value as string)
  }
  return map
}

/** Drops what fell out of the window ending at `now` (times are added in order, oldest first). */
function prune<T extends { at: number }> (list: T[], now: number, windowMs: number): void {
  let drop = 0
  while (drop < list.length && (list[drop] as T).at <= now - windowMs) drop++
  if (list.length - drop > MAX_TIMES) drop = list.length - MAX_TIMES
  if (drop > 0) list.splice(0, drop)
}

/**
 * An evaluator with its windows. `see` takes attempts in time order and returns what they trip;
 * `blockOf` gives a block's facts (undefined: a block no longer held, which no rule reads).
 */
export function createAlertRules (rules: AlertRulesConfig) {
  const byEntry = boundedMap<Seen[]>(MAX_KEYS)
  const byPrisoner = boundedMap<Array<{ at: number }>>(MAX_KEYS)
  const relayMs = rules.relay.windowMinutes * MINUTE
  const persistenceMs = rules.persistence.windowMinutes * MINUTE

  function relay (attempt: Attempt, entryId: string, block: BlockFacts | undefined, out: Finding[]): void {
    const seen = byEntry.get(entryId) ?? []
    seen.push({ at: attempt.at, prisoner: attempt.prisoner })
    prune(seen, attempt.at, relayMs)
    byEntry.touch(entryId, seen)
    const prisoners = [...new Set(seen.map((s) => s.prisoner))]
    const otherThanOwn = block?.scope === 'prisoner' && block.prisoner !== null && block.prisoner !== attempt.prisoner
    if (otherThanOwn && block.prisoner !== null && !prisoners.includes(block.prisoner)) prisoners.unshift(block.prisoner)
    if (otherThanOwn || prisoners.length >= rules.relay.prisoners) {
      out.push({ type: 'relay', key: `relay:${entryId}`, entryIds: [entryId], prisoners, at: attempt.at, attempts: seen.length })
    }
  }

  function persistence (attempt: Attempt, out: Finding[]): void {
    if (attempt.entryIds.length === 0) return
    const times = byPrisoner.get(attempt.prisoner) ?? []
    times.push({ at: attempt.at })
    prune(times, attempt.at, persistenceMs)
    byPrisoner.touch(attempt.prisoner, times)
    if (times.length >= rules.persistence.attempts) {
      out.push({ type: 'persistence', key: `persistence:${attempt.prisoner}`, entryIds: [...attempt.entryIds], prisoners: [attempt.prisoner], at: attempt.at, attempts: times.length })
    }
  }

  function afterNotice (attempt: Attempt, entryId: string, block: BlockFacts | undefined, out: Finding[]): void {
    if (block === undefined) return
    const told = block.noticeAt ?? block.madeAt + rules.afterNotice.graceMinutes * MINUTE
    if (attempt.at > told) {
      out.push({ type: 'after_notice', key: `after_notice:${entryId}:${attempt.prisoner}`, entryIds: [entryId], prisoners: [attempt.prisoner], at: attempt.at, attempts: 1 })
    }
  }

  return {
    see (attempt: Attempt, blockOf: (entryId: string) => BlockFacts | undefined): Finding[] {
      const out: Finding[] = []
      if (rules.relay.enabled) {
        for (const entryId of new Set([...attempt.entryIds, ...attempt.heldForOthers])) relay(attempt, entryId, blockOf(entryId), out)
      }
      if (rules.persistence.enabled) persistence(attempt, out)
      if (rules.afterNotice.enabled) {
        for (const entryId of new Set(attempt.entryIds)) afterNotice(attempt, entryId, blockOf(entryId), out)
      }
      return out
    }
  }
}

export type AlertRules = ReturnType<typeof createAlertRules>
