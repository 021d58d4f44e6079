import type { FromSchema } from 'json-schema-to-ts'
import { addressValue, blockReference, emailText, entryId, kind, phoneText, prisonerNumber, scope } from './common.js'

export const checkBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'prisoner'],
  description: 'One contact attempt. At least one of phone, email, address.',
  properties: {
    channel: { enum: ['phone', 'mail', 'email', 'message'] },
    prisoner: prisonerNumber,
    phone: phoneText,
    email: emailText,
    address: addressValue,
    recipient: { type: 'string', maxLength: 200 }
  }
} as const

export const batchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: { type: 'array', minItems: 1, maxItems: 1000, items: checkBody }
  }
} as const

export const phoneQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['prisoner', 'number'],
  properties: {
    prisoner: prisonerNumber,
    number: phoneText
  }
} as const

/** exact: the detail itself met the entry; probable: only a near form of it did (the decision is still block). */
const strength = { enum: ['exact', 'probable'] } as const

const match = {
  type: 'object',
  additionalProperties: false,
  required: ['entryId', 'reference', 'scope', 'kind', 'strength'],
  properties: { entryId, reference: blockReference, scope, kind, strength }
} as const

export const decisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision', 'matches', 'indexVersion'],
  properties: {
    decision: { enum: ['block', 'allow'] },
    matches: { type: 'array', items: match },
    indexVersion: { type: 'integer' }
  }
} as const

/** Callers treat this as block (docs/API.md, the fail-closed rule): the daemon cannot decide. */
export const unavailableBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { const: 'unavailable' },
    error: { type: 'string' },
    message: { type: 'string' }
  }
} as const

export const batchResultBody = {
  type: 'object',
  additionalProperties: false,
  required: ['results'],
  properties: { results: { type: 'array', items: decisionBody } }
} as const

const keyMatch = {
  entryId,
  scope,
  kind,
  strength,
  key: { type: 'string', description: 'the key of the attempt that met one of the entry\'s keys' },
  addressMode: { enum: ['whole', 'named'] }
} as const

/** POST /v1/check/explain (admin): why an attempt is blocked or allowed. */
export const explainBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision', 'keys', 'matches', 'setAside', 'warnings', 'indexVersion'],
  properties: {
    decision: { enum: ['block', 'allow'] },
    keys: {
      type: 'object',
      additionalProperties: false,
      required: ['phone', 'email', 'address'],
      description: 'the match keys the attempt was read into, by kind',
      properties: {
        phone: { type: 'array', items: { type: 'string' } },
        email: { type: 'array', items: { type: 'string' } },
        address: { type: 'array', items: { type: 'string' } }
      }
    },
    matches: {
      type: 'array',
      description: 'each key that met an entry in force for this prisoner',
      items: { type: 'object', additionalProperties: false, required: ['entryId', 'scope', 'kind', 'strength', 'key', 'addressMode'], properties: keyMatch }
    },
    setAside: {
      type: 'array',
      description: 'keys that met an entry that did not block: a named block for someone else, or one not in force now',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['entryId', 'scope', 'kind', 'strength', 'key', 'addressMode', 'why'],
        properties: { ...keyMatch, why: { enum: ['recipient_differs', 'not_in_force'] } }
      }
    },
    warnings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'code', 'message'],
        properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } }
      }
    },
    indexVersion: { type: 'integer' }
  }
} as const

export type CheckBody = FromSchema<typeof checkBody>
export type BatchBody = FromSchema<typeof batchBody>
export type PhoneQuery = FromSchema<typeof phoneQuery>
export type Decision = FromSchema<typeof decisionBody>
