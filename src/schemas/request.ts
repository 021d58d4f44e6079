import type { FromSchema } from 'json-schema-to-ts'
import { addressValue, emailText, entryId, entryIdOrReference, establishmentCode, isoDateTime, phoneText, prisonerNumber } from './common.js'

/** Who asked (docs/REQUESTS.md): a closed set, so that it can be shown and counted. */
export const REQUESTER_KINDS = ['person', 'police', 'probation', 'victim-liaison', 'family-or-friend', 'organisation'] as const

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength } as const)
const nullable = { type: ['string', 'null'] } as const

export const requestId = { type: 'string', pattern: '^[0-9a-f-]{36}$' } as const

const requester = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { enum: REQUESTER_KINDS, description: 'the person themselves, police, probation, a victim liaison officer, family or a friend, or an organisation (a solicitor, a charity)' },
    name: text(200),
    organisation: text(200)
  }
} as const

const outcomeContact = {
  type: 'object',
  additionalProperties: false,
  required: ['method', 'value'],
  description: 'how to tell the requester the outcome: sealed at rest, never logged or audited',
  properties: {
    method: { enum: ['email', 'phone', 'post'] },
    value: text(1000)
  }
} as const

/** The details a restriction blocks, as POST /v1/entries takes them. */
const blockDetails = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scope: { enum: ['prisoner', 'establishment'], description: 'prisoner (default): the block follows the prisoner; establishment: every prisoner here' },
    phones: { type: 'array', maxItems: 50, items: phoneText },
    emails: { type: 'array', maxItems: 50, items: emailText },
    addresses: { type: 'array', maxItems: 20, items: addressValue },
    protectedPerson: text(200),
    addressMode: { enum: ['whole', 'named'] }
  }
} as const

export const createRequestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'prisoner', 'requester', 'outcomeContact', 'consent', 'reason'],
  properties: {
    kind: { enum: ['restrict', 'reinstate'], description: 'restrict: block contact; reinstate: the person asks for contact again (liftEntry names the block)' },
    prisoner: prisonerNumber,
    establishment: { ...establishmentCode, description: 'at the hub: the establishment holding the prisoner, when the hub does not know it' },
    requester,
    outcomeContact,
    consent: { type: 'boolean', description: 'whether the person to be protected consented (or asked themselves)' },
    intelligenceLed: { type: 'boolean', description: 'the restriction follows intelligence: the prisoner\'s notice names the person' },
    block: blockDetails,
    liftEntry: { ...entryIdOrReference, description: 'reinstate: the block to lift, by its id or reference' },
    reason: text(2000),
    requestRef: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/_-]{0,63}$' },
    receivedAt: { ...isoDateTime, description: 'when the request was received (default: now); the clock counts from it' }
  }
} as const

export const decisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision', 'rationale'],
  properties: {
    decision: { enum: ['approve', 'decline'], description: 'approve: a restriction blocks (or stays blocking), a reinstatement lifts; decline: nothing blocks (a consented block is lifted)' },
    rationale: { ...text(2000), description: 'why: kept sealed with the request; the audit trail keeps its keyed hash' }
  }
} as const

export const noticeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['givenAt', 'givenBy'],
  properties: {
    givenAt: { ...isoDateTime, description: 'when the prisoner was given the notice in writing' },
    givenBy: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^\\n\\r]+$', description: 'the officer who gave it (name or staff number)' }
  }
} as const

/** The notice as printed: the wording of the template the request uses, filled in. */
export const renderedNotice = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'template', 'title', 'paragraphs', 'recorded'],
  properties: {
    requestId,
    template: { type: 'string', description: 'the wording: template and version, e.g. direct@1' },
    title: { type: 'string' },
    paragraphs: { type: 'array', items: { type: 'string' } },
    recorded: { type: 'boolean', description: 'whether the notice is recorded as given (then dated as given)' }
  }
} as const

export const requestParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: requestId }
} as const

export const listRequestsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { enum: ['open', 'overdue', 'decided'], description: 'open: waiting for a decision; overdue: open past its decision date; decided' },
    establishment: establishmentCode,
    prisoner: prisonerNumber,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 10000000, default: 0 }
  }
} as const

export const requestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'status', 'stage', 'origin', 'establishment', 'prisoner', 'consent', 'intelligenceLed', 'requester',
    'outcomeContact', 'block', 'liftEntryId', 'entryId', 'reason', 'requestRef', 'receivedAt', 'arrivedAt', 'passOnDueAt',
    'decisionDueAt', 'overdue', 'decidedAt', 'decidedBy', 'rationale', 'notice', 'createdAt', 'createdBy', 'here'],
  properties: {
    id: requestId,
    kind: { enum: ['restrict', 'reinstate'] },
    status: { enum: ['pending', 'blocking', 'approved', 'declined', 'moved'], description: 'pending: waits for a decision, blocks nothing; blocking: consented, blocks already, waits for a SPOC to confirm; moved: (at an establishment) gone with its prisoner to another establishment' },
    stage: { enum: ['received', 'passed-on', 'decided', 'notice-given'], description: 'where the request is in the process' },
    origin: { enum: ['local', 'hub'] },
    establishment: { type: 'string' },
    prisoner: { type: 'string' },
    consent: { type: 'boolean' },
    intelligenceLed: { type: 'boolean' },
    requester: { ...requester, required: ['kind'] },
    outcomeContact,
    block: { anyOf: [blockDetails, { type: 'null' }] },
    liftEntryId: { type: ['string', 'null'], description: 'the block to lift: its entry id, or the reference given at the hub when the hub does not hold that block' },
    entryId: { anyOf: [entryId, { type: 'null' }], description: 'the block the request made' },
    reason: { type: 'string' },
    requestRef: nullable,
    receivedAt: { type: 'string' },
    arrivedAt: { ...nullable, description: 'when it reached the establishment' },
    passOnDueAt: { type: 'string', description: 'one working day after receipt' },
    decisionDueAt: { type: 'string', description: 'three working days after receipt: one to pass on, two to decide' },
    overdue: { type: 'boolean', description: 'open past its decision date, or approved with no notice past its notice date' },
    decidedAt: nullable,
    decidedBy: nullable,
    rationale: nullable,
    notice: {
      anyOf: [{ type: 'null' }, {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'by', 'template', 'recordedBy'],
        properties: { at: { type: 'string' }, by: { type: 'string' }, template: { type: 'string' }, recordedBy: { type: 'string' } }
      }]
    },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    here: { type: 'boolean', description: 'whether this daemon decides it and records its notice (the establishment holding it; false at the hub)' }
  }
} as const

export const requestListBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'total', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: requestBody },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' }
  }
} as const

/** A request as the hub's requests feed carries it: no requester detail, no way to reach them. */
export const requestFeedItem = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'prisoner', 'establishment', 'consent', 'intelligenceLed', 'requesterKind', 'block', 'liftEntry', 'reason', 'requestRef', 'receivedAt', 'createdBy'],
  properties: {
    id: requestId,
    kind: { enum: ['restrict', 'reinstate'] },
    prisoner: { type: 'string', pattern: '^[A-Z][0-9]{4}[A-Z]{2}$' },
    establishment: establishmentCode,
    consent: { type: 'boolean' },
    intelligenceLed: { type: 'boolean' },
    requesterKind: { enum: REQUESTER_KINDS },
    block: { anyOf: [blockDetails, { type: 'null' }] },
    liftEntry: { anyOf: [entryIdOrReference, { type: 'null' }] },
    reason: text(2000),
    requestRef: { type: ['string', 'null'], maxLength: 64 },
    receivedAt: isoDateTime,
    createdBy: { type: 'string', maxLength: 64 }
  }
} as const

/** One change of the requests feed, signed like a change of the entries feed (docs/SYNC.md). */
export const requestFeedChange = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'op', 'request'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    op: { enum: ['request.upsert', 'request.withdraw'] },
    request: { type: 'object' },
    signed: { type: 'string', maxLength: 400000 },
    sig: { type: 'string', maxLength: 200 },
    kid: { type: 'string', maxLength: 64 }
  },
  if: { type: 'object', properties: { op: { const: 'request.upsert' } } },
  then: { type: 'object', properties: { request: requestFeedItem } },
  else: { type: 'object', properties: { request: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: requestId } } } }
} as const

export const requestFeedPage = {
  type: 'object',
  additionalProperties: false,
  required: ['changes', 'next', 'hasMore'],
  properties: {
    changes: { type: 'array', maxItems: 1000, items: { type: 'object' } },
    next: { type: 'integer', minimum: 0 },
    hasMore: { type: 'boolean' }
  }
} as const

/** The page as the hub serves it (each change in full, for the OpenAPI document). */
export const requestFeedPageResponse = {
  ...requestFeedPage,
  properties: { ...requestFeedPage.properties, changes: { type: 'array', items: requestFeedChange } }
} as const

export const requestFeedQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }
  }
} as const

/**
 * What an establishment reports to the hub about a request it holds: the state as it stands there
 * (arrival, decision, notice), under an event id that makes a repeat delivery harmless.
 */
export const outcomeReport = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'requestId', 'status', 'arrivedAt', 'entryId', 'decidedAt', 'decidedBy', 'rationale', 'notice'],
  properties: {
    eventId: requestId,
    requestId,
    status: { enum: ['pending', 'blocking', 'approved', 'declined'] },
    arrivedAt: { anyOf: [isoDateTime, { type: 'null' }] },
    entryId: { anyOf: [entryId, { type: 'null' }] },
    decidedAt: { anyOf: [isoDateTime, { type: 'null' }] },
    decidedBy: { type: ['string', 'null'], maxLength: 64 },
    rationale: { type: ['string', 'null'], maxLength: 2000 },
    notice: {
      anyOf: [{ type: 'null' }, {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'by', 'template', 'recordedBy'],
        properties: { at: isoDateTime, by: { type: 'string', maxLength: 100 }, template: { type: 'string', maxLength: 64 }, recordedBy: { type: 'string', maxLength: 64 } }
      }]
    }
  }
} as const

export const outcomeAck = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'result'],
  properties: { eventId: requestId, result: { enum: ['applied', 'repeat'] } }
} as const

export type RequestFeedItem = FromSchema<typeof requestFeedItem>
export type RequestFeedChange = FromSchema<typeof requestFeedChange>
export type OutcomeReport = FromSchema<typeof outcomeReport>
export type CreateRequestBody = FromSchema<typeof createRequestBody>
export type DecisionBody = FromSchema<typeof decisionBody>
export type NoticeBody = FromSchema<typeof noticeBody>
export type RenderedNotice = FromSchema<typeof renderedNotice>
export type ListRequestsQuery = FromSchema<typeof listRequestsQuery>
export type RequestView = FromSchema<typeof requestBody>
