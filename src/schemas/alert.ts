import type { FromSchema } from 'json-schema-to-ts'
import { entryIdOrReference, prisonerNumber } from './common.js'

const alertType = { enum: ['relay', 'persistence', 'after_notice'] } as const
const alertState = { enum: ['open', 'acknowledged', 'closed'] } as const
/** A note is kept with the alert and in the audit trail: no contact detail (docs/ALERTS.md). */
const noteText = { type: 'string', minLength: 1, maxLength: 2000 } as const
const time = { type: 'string', description: 'ISO 8601, UTC' } as const
const timeOrNull = { type: ['string', 'null'], description: 'ISO 8601, UTC' } as const

export const alertQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: alertState,
    type: alertType,
    prisoner: prisonerNumber,
    entry: { ...entryIdOrReference, description: 'alerts naming this block: its entry id or reference' },
    before: { type: 'integer', minimum: 1, description: 'cursor: alerts with an id below this' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }
  }
} as const

export const alertParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 9007199254740991 } }
} as const

export const acknowledgeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['note'],
  properties: { note: { ...noteText, description: 'what was done or will be: no contact detail, no protected person\'s name' } }
} as const

export const closeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { note: noteText }
} as const

export const alertBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'state', 'entryIds', 'references', 'prisoners', 'attempts', 'firstAt', 'lastAt', 'raisedAt',
    'acknowledgedAt', 'acknowledgedBy', 'note', 'closedAt', 'closedBy', 'closeNote'],
  properties: {
    id: { type: 'integer' },
    type: alertType,
    state: alertState,
    entryIds: { type: 'array', items: { type: 'string' } },
    references: { type: 'array', items: { type: 'string' }, description: 'the block references of entryIds, in order' },
    prisoners: { type: 'array', items: { type: 'string' }, description: 'the prisoner numbers involved' },
    attempts: { type: 'integer', description: 'attempts counted on this alert' },
    firstAt: time,
    lastAt: time,
    raisedAt: time,
    acknowledgedAt: timeOrNull,
    acknowledgedBy: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
    closedAt: timeOrNull,
    closedBy: { type: ['string', 'null'] },
    closeNote: { type: ['string', 'null'] }
  }
} as const

export const alertListBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: alertBody },
    next: { type: ['integer', 'null'], description: 'pass as before= for the next page' }
  }
} as const

export type AlertQuery = FromSchema<typeof alertQuery>
export type AlertBody = FromSchema<typeof alertBody>
