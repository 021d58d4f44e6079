import type { FromSchema } from 'json-schema-to-ts'
import { addressValue, emailText, entryId, kind, phoneText, prisonerNumber, scope } from './common.js'

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

const match = {
  type: 'object',
  additionalProperties: false,
  required: ['entryId', 'scope', 'kind'],
  properties: { entryId, scope, kind }
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

/** Callers treat this as block (DESIGN.md): the daemon cannot decide. */
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

export type CheckBody = FromSchema<typeof checkBody>
export type BatchBody = FromSchema<typeof batchBody>
export type PhoneQuery = FromSchema<typeof phoneQuery>
export type Decision = FromSchema<typeof decisionBody>
