import { keyRing, verifyChange } from '../domain/feed-signature.js'
import type { Verification } from '../domain/feed-signature.js'
import type { FeedChange } from '../schemas/feed.js'

/**
 * The establishment's check of each change of its hub's feed before it is applied. With public
 * keys configured, a change must carry a signature by one of them, made for this establishment and
 * this seq (any listed key is accepted, so a hub's key can be rolled with two listed for a while).
 * Without any, every change passes unverified (kid null): the configuration refuses that unless
 * upstream.insecureUnsignedFeed is set (src/config.ts), and each sync run says so in the log.
 */
export function createFeedVerifier (publicKeys: readonly string[], establishment: string) {
  const keys = keyRing(publicKeys)
  return {
    /** false: changes are applied unverified */
    verifies: keys.size > 0,
    check (change: FeedChange): Verification | { ok: true, kid: null } {
      return keys.size === 0 ? { ok: true, kid: null } : verifyChange(change, establishment, keys)
    }
  }
}

export type FeedVerifier = ReturnType<typeof createFeedVerifier>
