import type { FromSchema } from 'json-schema-to-ts'
import { isoDateTime } from './common.js'

export const attemptsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { ...isoDateTime, description: 'attempts at or after this time' },
    to: { ...isoDateTime, description: 'attempts at or before this time' },
    before: { type: 'integer', minimum: 1, description: 'cursor: attempts whose audit row id is below this' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }
  }
} as const

const attempt = {
  type: 'object',
  additionalProperties: false,
  required: ['auditId', 'link', 'at', 'prisoner', 'channel', 'establishment', 'client'],
  properties: {
    auditId: { type: 'integer', description: 'the audit row of the check' },
    link: { type: ['string', 'null'], description: 'the anchor (L<seq>:<mac>) of the audit chain\'s link that covers the row (npm run audit:verify --anchor); null when no link covers it' },
    at: { type: 'string' },
    prisoner: { type: 'string' },
    channel: { type: 'string' },
    establishment: { type: 'string' },
    client: { type: 'string', description: 'the client that asked' }
  }
} as const

const count = (key: string) => ({
  type: 'array',
  items: { type: 'object', additionalProperties: false, required: [key, 'attempts'], properties: { [key]: { type: 'string' }, attempts: { type: 'integer' } } }
}) as const

export const attemptsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['entryId', 'reference', 'establishment', 'items', 'counts', 'next'],
  properties: {
    entryId: { type: 'string' },
    reference: { type: 'string' },
    establishment: { type: 'string' },
    items: { type: 'array', items: attempt },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: ['total', 'byPrisoner', 'byChannel'],
      description: 'over the whole period asked (from, to), not only this page',
      properties: { total: { type: 'integer' }, byPrisoner: count('prisoner'), byChannel: count('channel') }
    },
    next: { type: ['integer', 'null'], description: 'pass as before= for the next page' }
  }
} as const

export const evidenceQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: attemptsQuery.properties.from,
    to: attemptsQuery.properties.to,
    format: { enum: ['csv', 'html'], default: 'html', description: 'csv, or a page to print' }
  }
} as const

export type EvidenceQueryText = FromSchema<typeof evidenceQuery>
export type AttemptsQueryText = FromSchema<typeof attemptsQuery>
