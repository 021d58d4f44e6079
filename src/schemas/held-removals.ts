import type { FromSchema } from 'json-schema-to-ts'

/** The brake's held removals: the list a SPOC reads, and what a release or discard sends and gets. */

const heldKind = { enum: ['remove', 'lift', 'expiry', 'start', 'scope', 'details', 'address_mode'] } as const

export const heldList = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'total', 'threshold', 'appliedLastHour', 'maxRemovals', 'percent'],
  properties: {
    items: {
      type: 'array',
      description: 'removals waiting for a person, oldest first, by entry id and request reference (never their contents)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'entryId', 'requestRef', 'seq', 'op', 'kind', 'heldAt', 'upstream'],
        properties: {
          id: { type: 'integer' },
          entryId: { type: 'string' },
          requestRef: { type: ['string', 'null'] },
          seq: { type: 'integer' },
          op: { enum: ['upsert', 'remove'] },
          kind: heldKind,
          heldAt: { type: 'string' },
          upstream: { type: ['string', 'null'] }
        }
      }
    },
    total: { type: 'integer' },
    threshold: { type: 'integer', description: 'removals a sync may apply in a rolling hour without a person, now' },
    appliedLastHour: { type: 'integer' },
    maxRemovals: { type: 'integer' },
    percent: { type: 'integer' }
  }
} as const

/** A release or discard: some held changes (`ids`) or every one waiting (`all`), and why. */
export const selectionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } },
    all: { const: true },
    reason: { type: 'string', minLength: 1, maxLength: 2000 }
  }
} as const

export const resolvedBody = {
  type: 'object',
  additionalProperties: false,
  required: ['changes'],
  properties: {
    changes: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['id', 'entryId', 'kind'], properties: { id: { type: 'integer' }, entryId: { type: 'string' }, kind: heldKind } }
    }
  }
} as const

export type SelectionBody = FromSchema<typeof selectionBody>
