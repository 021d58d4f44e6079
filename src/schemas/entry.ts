import type { FromSchema } from 'json-schema-to-ts'
import {
  addressValue, blockReference, emailText, entryId, entryIdOrReference, establishmentCode, isoDateTime, kind, phoneText,
  prisonerNumber, referenceText, scope
} from './common.js'

const reasonText = { type: 'string', minLength: 1, maxLength: 2000 } as const

export const createEntryBody = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'reason'],
  properties: {
    scope,
    prisoner: prisonerNumber,
    establishment: establishmentCode,
    phones: { type: 'array', maxItems: 50, items: phoneText },
    emails: { type: 'array', maxItems: 50, items: emailText },
    addresses: { type: 'array', maxItems: 20, items: addressValue },
    protectedPerson: { type: 'string', minLength: 1, maxLength: 200 },
    addressMode: {
      enum: ['whole', 'named'],
      description: 'whole (default): all mail to the addresses is held; named: only mail that may be to protectedPerson (required then), or to nobody by name'
    },
    reason: reasonText,
    requestRef: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/_-]{0,63}$' },
    consent: { type: 'boolean' },
    effectiveFrom: isoDateTime,
    expiresAt: isoDateTime
  }
} as const

export const liftBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: reasonText }
} as const

export const entryParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: entryId }
} as const

/** GET /v1/entries/:id finds a block by its id or by its reference. */
export const entryLookupParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: entryIdOrReference }
} as const

const referenceSearch = { ...referenceText, description: 'a block reference, or its start (4 characters or more): any case, hyphens optional, O read as 0 and I or L as 1' } as const

export const listEntriesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { enum: ['active', 'lifted'] },
    scope,
    prisoner: prisonerNumber,
    establishment: establishmentCode,
    requestRef: { type: 'string', minLength: 1, maxLength: 64, description: 'exactly this request reference' },
    refContains: { type: 'string', minLength: 1, maxLength: 64, description: 'request references containing this text, any case' },
    reference: referenceSearch,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 10000000, default: 0 }
  }
} as const

const warning = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'code', 'message'],
  properties: {
    field: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' }
  }
} as const

const keyLists = { type: 'array', items: { type: 'array', items: { type: 'string' } } } as const
const nullableDate = { type: ['string', 'null'] } as const

export const entryBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'reference', 'status', 'scope', 'prisoner', 'establishment', 'phones', 'emails', 'addresses',
    'protectedPerson', 'addressMode', 'reason', 'requestRef', 'consent', 'effectiveFrom', 'expiresAt', 'createdAt',
    'createdBy', 'liftedAt', 'liftedBy', 'liftReason', 'origin', 'erasedAt', 'keys', 'warnings'],
  properties: {
    id: entryId,
    reference: blockReference,
    status: { enum: ['active', 'lifted'] },
    scope,
    prisoner: { type: ['string', 'null'] },
    establishment: { type: 'string' },
    phones: { type: 'array', items: { type: 'string' } },
    emails: { type: 'array', items: { type: 'string' } },
    addresses: { type: 'array', items: addressValue },
    protectedPerson: { type: ['string', 'null'] },
    addressMode: { enum: ['whole', 'named'] },
    reason: { type: 'string' },
    requestRef: { type: ['string', 'null'] },
    consent: { type: ['boolean', 'null'] },
    effectiveFrom: nullableDate,
    expiresAt: nullableDate,
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    liftedAt: nullableDate,
    liftedBy: { type: ['string', 'null'] },
    liftReason: { type: ['string', 'null'] },
    origin: { enum: ['local', 'hub'], description: 'made here by a SPOC, or received from the national hub' },
    erasedAt: { type: ['string', 'null'], description: 'when retention erased the contact details and protected person; the entry and its audit trail stay' },
    keys: {
      type: 'object',
      additionalProperties: false,
      required: ['phones', 'emails', 'addresses'],
      description: 'the normalised match keys of each detail, in the order given',
      properties: { phones: keyLists, emails: keyLists, addresses: keyLists }
    },
    warnings: { type: 'array', items: warning }
  }
} as const

export const entryListBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'total', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: entryBody },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' }
  }
} as const

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entryId,
    reference: referenceSearch,
    actor: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 64, description: 'an action code (docs/AUDIT.md); a former name finds the same rows' },
    from: isoDateTime,
    to: isoDateTime,
    before: { type: 'integer', minimum: 1, description: 'cursor: rows with an id below this' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }
  }
} as const

export const auditRow = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'at', 'actor', 'action', 'entryId', 'reference', 'reason', 'detail'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    entryId: { type: ['string', 'null'] },
    reference: { type: ['string', 'null'], description: 'the block reference of the entry named' },
    reason: { type: ['string', 'null'] },
    detail: { type: ['object', 'null'], additionalProperties: true }
  }
} as const

export const auditListBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: auditRow },
    next: { type: ['integer', 'null'], description: 'pass as before= for the next page' }
  }
} as const

export { kind }
export type CreateEntryBody = FromSchema<typeof createEntryBody>
export type ListEntriesQuery = FromSchema<typeof listEntriesQuery>
export type AuditQuery = FromSchema<typeof auditQuery>
export type Entry = FromSchema<typeof entryBody>
export type AddressValue = FromSchema<typeof addressValue>
