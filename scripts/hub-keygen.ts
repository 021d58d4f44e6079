/**
 * The hub's feed signing key pair: `npm run hub-keygen -- [--dir keys]`
 *
 * Writes hub-feed-signing.key (the Ed25519 private key, PKCS#8 PEM, mode 600) and
 * hub-feed-signing.pub (its public key, SPKI PEM) in the folder (default: keys/), and prints where
 * each half goes. Run again, it keeps the private key it finds and writes its public half again, so
 * it never replaces a key a hub is signing with; to roll a key, run it with another --dir
 * (docs/SYNC.md). Exit code: 0 done, 2 nothing could be done.
 */
import { resolve } from 'node:path'
import { writeFeedKeyPair } from '../src/services/feed-signing-key.js'
import { textArg } from './lib/args.js'

const say = (line: string) => process.stdout.write(`${line}\n`)

try {
  const pair = writeFeedKeyPair(resolve(textArg('dir', 'keys')))
  say(pair.made ? `made a new feed signing key, key id ${pair.kid}` : `kept the feed signing key already there, key id ${pair.kid}`)
  say('')
  say(`private key (the hub only, mode 600): ${pair.privateFile}`)
  say('  hub: feedSigning.keyFile in its config file, or UPC_FEED_SIGNING_KEY_FILE')
  say(`public key: ${pair.publicFile}`)
  say('  each establishment: add it to upstream.publicKeys (the PEM text, or this one line),')
  say('  or to UPC_UPSTREAM_PUBLIC_KEYS (comma-separated):')
  say(`  ${pair.publicBase64}`)
} catch (err) {
  process.stderr.write(`hub-keygen: ${err instanceof Error ? err.message : 'failed'}\n`)
  process.exit(2)
}
