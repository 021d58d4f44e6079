/** Building blocks shared by the route schemas. Lengths are bounded everywhere (docs/DEVELOPMENT.md, Principles). */
export const prisonerNumber = {
  type: 'string',
  pattern: '^[A-Za-z][0-9]{4}[A-Za-z]{2}$',
  description: 'NOMIS prisoner number, e.g. A1234BC (any case)'
} as const

export const establishmentCode = {
  type: 'string',
  pattern: '^[A-Z]{3}$',
  description: 'agency code of the establishment, e.g. HLI'
} as const

export const scope = { enum: ['prisoner', 'establishment', 'national'] } as const

export const entryId = { type: 'string', pattern: '^[0-9a-f-]{36}$' } as const

/** A block's reference as the API gives it: groups of four (src/domain/block-reference.ts). */
export const blockReference = {
  type: 'string',
  description: 'the block\'s short reference, e.g. K7QM-4XRT: unique in this store, the same at the hub and every establishment for a hub block'
} as const

/**
 * A block's reference as a person types it: any case, with or without hyphens or spaces, O for 0 and
 * I or L for 1 (the service reads it: src/domain/block-reference.ts readReference).
 */
export const referenceText = { type: 'string', minLength: 4, maxLength: 64, pattern: '^[0-9A-Za-z][0-9A-Za-z -]*$' } as const

/** Where a block is looked up: its entry id, or its reference. */
export const entryIdOrReference = {
  type: 'string',
  minLength: 4,
  maxLength: 64,
  pattern: '^[0-9A-Za-z][0-9A-Za-z-]*$',
  description: 'the entry id, or the block reference (e.g. K7QM-4XRT, any case, hyphens optional)'
} as const

export const phoneText = { type: 'string', minLength: 1, maxLength: 64 } as const
export const emailText = { type: 'string', minLength: 1, maxLength: 320 } as const

/** An address as written on the envelope (commas or newlines), or its lines and postcode. */
export const addressValue = {
  anyOf: [
    { type: 'string', minLength: 1, maxLength: 1000 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['lines'],
      properties: {
        lines: { type: 'array', minItems: 1, maxItems: 12, items: { type: 'string', maxLength: 200 } },
        postcode: { type: 'string', maxLength: 16 }
      }
    }
  ]
} as const

export const errorBody = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' }
  }
} as const

export const isoDateTime = { type: 'string', format: 'date-time', maxLength: 40 } as const

export const kind = { enum: ['phone', 'email', 'address'] } as const
