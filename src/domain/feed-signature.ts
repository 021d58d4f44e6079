import { createHash, createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'

/**
 * Signed feed changes (docs/SYNC.md). The hub signs each change with Ed25519 over the exact UTF-8
 * bytes of a JSON text it puts in the change (`signed`), so no side ever serialises again to verify:
 * a verifier in any language checks the bytes it received. The text names what the signature
 * binds: the establishment the feed is for and the change's seq, so that a change cannot be played
 * to another prison or at another place in the feed, besides the op and the entry themselves.
 */
export const SIGNED_CHANGE_FORMAT = 'upc-guard-feed-change/1'

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const RAW_KEY_BYTES = 32
const SIGNATURE_BYTES = 64

export interface FeedSigner { privateKey: KeyObject, kid: string }

/** What a change to be signed holds (a FeedChange). */
export interface UnsignedChange { seq: number, op: string, entry: unknown }

export interface ChangeSignature { signed: string, sig: string, kid: string }

export type Verification =
  | { ok: true, kid: string }
  | { ok: false, reason: string, kid: string | null }

/** The raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey (publicKey: KeyObject): Buffer {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length)
}

/** A key id: the first 16 hex characters of the SHA-256 of the raw public key. */
export function keyId (publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16)
}

/**
 * An Ed25519 public key from a PEM text (SubjectPublicKeyInfo) or from its raw 32 bytes in base64.
 * Throws on anything else.
 */
export function publicKeyFrom (text: string): KeyObject {
  const trimmed = text.trim()
  let key: KeyObject
  if (trimmed.startsWith('-----BEGIN')) {
    key = createPublicKey(trimmed)
  } else {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) throw new Error('not an Ed25519 public key')
    const raw = Buffer.from(trimmed, 'base64')
    if (raw.length !== RAW_KEY_BYTES) throw new Error('not an Ed25519 public key')
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key')
  return key
}

/** The public keys an establishment accepts, by key id. */
export function keyRing (texts: readonly string[]): ReadonlyMap<string, KeyObject> {
  return new Map(texts.map((text) => {
    const key = publicKeyFrom(text)
    return [keyId(key), key] as const
  }))
}

export function signerFrom (privateKey: KeyObject): FeedSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key')
  return { privateKey, kid: keyId(createPublicKey(privateKey)) }
}

/** The fields a hub adds to a change it serves to `establishment`. */
export function signChange (signer: FeedSigner, establishment: string, change: UnsignedChange): ChangeSignature {
  const signed = JSON.stringify({ format: SIGNED_CHANGE_FORMAT, establishment, seq: change.seq, op: change.op, entry: change.entry })
  const sig = sign(null, Buffer.from(signed, 'utf8'), signer.privateKey).toString('base64')
  return { signed, sig, kid: signer.kid }
}

interface SignedItem extends UnsignedChange { signed?: unknown, sig?: unknown, kid?: unknown }

/**
 * Whether a change received by `establishment` is the one a key of `keys` signed for it: the
 * signature verifies over the `signed` text, and that text names this establishment, this seq,
 * and the same op and entry as the change (compared as values, so the hub's key order or spacing
 * does not matter). The reason is fixed text, for the quarantine and the audit trail.
 */
export function verifyChange (item: SignedItem, establishment: string, keys: ReadonlyMap<string, KeyObject>): Verification {
  const { signed, sig, kid } = item
  if (typeof signed !== 'string' || typeof sig !== 'string' || typeof kid !== 'string') {
    return { ok: false, reason: 'signature missing', kid: typeof kid === 'string' && /^[0-9a-f]{16}$/.test(kid) ? kid : null }
  }
  const key = keys.get(kid)
  if (key === undefined) return { ok: false, reason: 'unknown key id', kid: /^[0-9a-f]{16}$/.test(kid) ? kid : null }
  const signature = Buffer.from(sig, 'base64')
  if (signature.length !== SIGNATURE_BYTES || !verify(null, Buffer.from(signed, 'utf8'), key, signature)) {
    return { ok: false, reason: 'signature does not verify', kid }
  }
  let claim: unknown
  try {
    claim = JSON.parse(signed)
  } catch {
    return { ok: false, reason: 'the signed text is not a change of the feed', kid }
  }
  const fields = (claim ?? {}) as Record<string, unknown>
  if (typeof claim !== 'object' || fields.format !== SIGNED_CHANGE_FORMAT) return { ok: false, reason: 'the signed text is not a change of the feed', kid }
  if (fields.establishment !== establishment) return { ok: false, reason: 'the signature is for another establishment', kid }
  if (fields.seq !== item.seq) return { ok: false, reason: 'the signature is for another place in the feed', kid }
  if (fields.op !== item.op || !isDeepStrictEqual(fields.entry, item.entry)) return { ok: false, reason: 'the change differs from what was signed', kid }
  return { ok: true, kid }
}
