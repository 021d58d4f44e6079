import type { FromSchema } from 'json-schema-to-ts'
import { addressValue, emailText, entryId, establishmentCode, phoneText, scope } from './common.js'

const nullableText = (maxLength: number) => ({ type: ['string', 'null'], maxLength } as const)
const nullableTime = { type: ['string', 'null'], format: 'date-time', maxLength: 40 } as const

/**
 * An entry as the hub sends it: the details as entered (each side keys them with its own
 * normalisers, the same code that keys its checks). Bounded like the create body, because an
 * establishment validates every item it receives.
 */
export const feedEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'scope', 'prisoner', 'establishment', 'status', 'phones', 'emails', 'addresses',
    'protectedPerson', 'addressMode', 'reason', 'requestRef', 'consent', 'effectiveFrom', 'expiresAt', 'createdAt',
    'createdBy', 'liftedAt', 'liftedBy', 'liftReason'],
  properties: {
    id: entryId,
    scope,
    prisoner: { type: ['string', 'null'], pattern: '^[A-Z][0-9]{4}[A-Z]{2}$' },
    establishment: establishmentCode,
    status: { enum: ['active', 'lifted'] },
    phones: { type: 'array', maxItems: 50, items: phoneText },
    emails: { type: 'array', maxItems: 50, items: emailText },
    addresses: { type: 'array', maxItems: 20, items: addressValue },
    protectedPerson: nullableText(200),
    addressMode: { enum: ['whole', 'named'] },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    requestRef: nullableText(64),
    consent: { type: ['boolean', 'null'] },
    effectiveFrom: nullableTime,
    expiresAt: nullableTime,
    createdAt: { type: 'string', format: 'date-time', maxLength: 40 },
    createdBy: { type: 'string', maxLength: 64 },
    liftedAt: nullableTime,
    liftedBy: nullableText(64),
    liftReason: nullableText(2000)
  }
} as const

/**
 * A change's signature, added by a hub that has a signing key (docs/SYNC.md): `signed` is the JSON
 * text the Ed25519 signature `sig` covers (the establishment, seq, op and entry), `kid` the key's
 * id. Optional, so that a client that does not verify reads the feed unchanged; an establishment
 * with the hub's public key requires them.
 */
export const changeSignature = {
  signed: { type: 'string', maxLength: 400000, description: 'the exact JSON text signed: {format, establishment, seq, op, entry}' },
  sig: { type: 'string', maxLength: 200, description: 'Ed25519 signature of the UTF-8 bytes of `signed`, base64' },
  kid: { type: 'string', maxLength: 64, description: 'the signing key\'s id: the first 16 hex characters of the SHA-256 of the raw public key' }
} as const

/** One change: an upsert carries the whole entry, a remove only its id. */
export const feedChange = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'op', 'entry'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    op: { enum: ['upsert', 'remove'] },
    entry: { type: 'object' },
    ...changeSignature
  },
  if: { properties: { op: { const: 'upsert' } } },
  then: { properties: { entry: feedEntry } },
  else: {
    properties: {
      entry: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: entryId } }
    }
  }
} as const

/**
 * The page envelope. Items are checked one by one (a bad one is quarantined, its page-mates still
 * apply), so the envelope only asks that each item is an object with a seq.
 */
export const feedPage = {
  type: 'object',
  additionalProperties: false,
  required: ['changes', 'next', 'hasMore'],
  properties: {
    changes: {
      type: 'array',
      maxItems: 5000,
      items: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer', minimum: 1 } } }
    },
    next: { type: 'integer', minimum: 0 },
    hasMore: { type: 'boolean' }
  }
} as const

/**
 * The hub's response schema. The entry is passed through as the feed service builds it (an upsert's
 * whole FeedEntry, a remove's id): the hub serves what it holds, and the establishment, which must
 * not trust it, validates every item against `feedChange`.
 */
export const feedPageResponse = {
  ...feedPage,
  properties: {
    ...feedPage.properties,
    changes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'op', 'entry'],
        properties: {
          seq: { type: 'integer' },
          op: { enum: ['upsert', 'remove'] },
          entry: { type: 'object', additionalProperties: true, description: 'a FeedEntry for an upsert, {id} for a remove' },
          ...changeSignature
        }
      }
    }
  }
} as const

export const feedQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 }
  }
} as const

export const transferParams = {
  type: 'object',
  additionalProperties: false,
  required: ['prisoner'],
  properties: { prisoner: { type: 'string', pattern: '^[A-Za-z][0-9]{4}[A-Za-z]{2}$' } }
} as const

export const transferBody = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: { to: establishmentCode }
} as const

export type FeedEntry = FromSchema<typeof feedEntry>
export type ChangeSignature = { signed?: string, sig?: string, kid?: string }
export type FeedChange = ({ seq: number, op: 'upsert', entry: FeedEntry } | { seq: number, op: 'remove', entry: { id: string } }) & ChangeSignature
export type FeedPage = { changes: FeedChange[], next: number, hasMore: boolean }
export type FeedQuery = FromSchema<typeof feedQuery>
