import { join } from 'node:path'
import { loadFeedSigningKey, writeFeedKeyPair } from '../../src/services/feed-signing-key.js'

/**
 * A feed signing key pair in `dir` for a script's hub and establishment, as an operator sets them
 * up: the hub's env names the private key file, the establishment's lists the public key.
 */
export function feedKeys (dir: string) {
  const pair = writeFeedKeyPair(join(dir, 'feed-signing'))
  return {
    hub: { UPC_FEED_SIGNING_KEY_FILE: pair.privateFile },
    establishment: { UPC_UPSTREAM_PUBLIC_KEYS: pair.publicBase64 },
    signer: () => loadFeedSigningKey(pair.privateFile)?.signer ?? null
  }
}
