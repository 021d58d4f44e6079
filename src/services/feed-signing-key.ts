import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rawPublicKey, signerFrom } from '../domain/feed-signature.js'
import type { FeedSigner } from '../domain/feed-signature.js'
import { makePrivateDir } from '../store/private-files.js'

export const PRIVATE_KEY_NAME = 'hub-feed-signing.key'
export const PUBLIC_KEY_NAME = 'hub-feed-signing.pub'

/**
 * The hub's feed signing key from its PEM (PKCS#8) file, or null when none is configured. `open`:
 * the file can be read by others than its owner (the daemon warns: it should be 600). Errors name
 * the file, never its contents.
 */
export function loadFeedSigningKey (file: string | null): { signer: FeedSigner, open: boolean } | null {
  if (file === null) return null
  let text: string
  let mode: number
  try {
    text = readFileSync(file, 'utf8')
    mode = statSync(file).mode
  } catch {
    throw new Error(`feed signing key file ${file} cannot be read`)
  }
  try {
    return { signer: signerFrom(createPrivateKey(text)), open: (mode & 0o077) !== 0 }
  } catch {
    throw new Error(`feed signing key file ${file} does not hold an Ed25519 private key (PEM)`)
  }
}

/**
 * A new Ed25519 key pair in `dir`: the private key (PKCS#8 PEM, mode 600) and the public key (SPKI
 * PEM). An existing private key is kept, never overwritten: its public half is written again.
 */
export function writeFeedKeyPair (dir: string): { privateFile: string, publicFile: string, kid: string, publicBase64: string, made: boolean } {
  makePrivateDir(dir)
  const privateFile = join(dir, PRIVATE_KEY_NAME)
  const publicFile = join(dir, PUBLIC_KEY_NAME)
  const made = !existsSync(privateFile)
  if (made) {
    const { privateKey } = generateKeyPairSync('ed25519')
    // flag wx: never overwrite a key written a moment ago; the umask can only take bits from 600
    writeFileSync(privateFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' })
  }
  const loaded = loadFeedSigningKey(privateFile) as { signer: FeedSigner }
  const publicKey = createPublicKey(loaded.signer.privateKey)
  writeFileSync(publicFile, publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644 })
  return { privateFile, publicFile, kid: loaded.signer.kid, publicBase64: rawPublicKey(publicKey).toString('base64'), made }
}
