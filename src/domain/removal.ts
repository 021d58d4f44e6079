import type { Scope } from './block-index.js'

/**
 * Whether a change from the hub takes a block off this establishment, and how many such changes a
 * sync may apply without a person. Pure: the store's state, the change and `now` are passed in.
 */

/** How a change takes a block off (the held change's `kind`). */
export type RemovalKind = 'remove' | 'lift' | 'expiry' | 'start' | 'scope' | 'details' | 'address_mode'

/** What decides what an entry blocks, and from when to when. */
export interface BlockShape {
  status: 'active' | 'lifted'
  scope: Scope
  prisoner: string | null
  effectiveFrom: number | null
  expiresAt: number | null
  addressMode: 'whole' | 'named'
  protectedPerson: string | null
  /** every match key of every detail */
  keys: ReadonlySet<string>
}

/** The rolling window the brake counts removals over. */
export const BRAKE_WINDOW_MS = 60 * 60 * 1000

/** Whether the entry blocks now or will (an entry whose start is still to come is a block held here). */
export function blocks (shape: BlockShape, now: number): boolean {
  return shape.status === 'active' && (shape.expiresAt === null || shape.expiresAt > now)
}

/** Scope as how many prisoners here it covers: a national and an establishment block cover all. */
const breadth = (scope: Scope): number => (scope === 'prisoner' ? 0 : 1)

/**
 * How `next` (null: the hub says remove) takes off a block that `held` is, or null when it takes
 * nothing off: an entry not held here, or not blocking, has nothing to take off. The hub only ever
 * makes, lifts and moves an entry, so a change that ends it sooner, starts it later, narrows whom it
 * covers, drops a detail or narrows which letters it holds is as much a removal as a lift.
 */
export function removalKind (held: BlockShape | null, next: BlockShape | null, now: number): RemovalKind | null {
  if (held === null || !blocks(held, now)) return null
  if (next === null) return 'remove'
  if (next.status !== 'active') return 'lift'
  if (next.expiresAt !== null && (held.expiresAt === null || next.expiresAt < held.expiresAt)) return 'expiry'
  if (next.effectiveFrom !== null && next.effectiveFrom > Math.max(now, held.effectiveFrom ?? -Infinity)) return 'start'
  if (breadth(next.scope) < breadth(held.scope) || (next.scope === 'prisoner' && held.scope === 'prisoner' && next.prisoner !== held.prisoner)) return 'scope'
  for (const key of held.keys) if (!next.keys.has(key)) return 'details'
  if (next.addressMode === 'named' && (held.addressMode === 'whole' || next.protectedPerson !== held.protectedPerson)) return 'address_mode'
  return null
}

/**
 * The most removals a sync applies in the rolling hour without a person: `maxRemovals`, or
 * `percent` of the hub's blocks held here (rounded up, so at least one), whichever is smaller.
 * `maxRemovals` 0 holds every removal for a person.
 */
export function removalThreshold (maxRemovals: number, percent: number, hubBlocks: number): number {
  return Math.min(maxRemovals, Math.max(1, Math.ceil((hubBlocks * percent) / 100)))
}
