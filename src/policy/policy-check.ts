import type { Logger } from 'pino'
import { checkBody } from '../schemas/check.js'
import type { CheckBody } from '../schemas/check.js'
import { ajv } from '../schemas/ajv.js'
import { DomainError } from '../domain/errors.js'
import type { CheckClient, CheckService } from '../services/check.js'
import type { PolicyAction, PolicyRequest } from './policy-protocol.js'

/**
 * One policy request judged by the same check service as POST /v1/check, so its audit records and
 * its unavailable rule are the same; Postfix's answer follows the HTTP API's fail-closed rule
 * (docs/API.md): only a clear allow lets the mail through (DUNNO), a block is refused for good (REJECT),
 * anything else is refused for now (DEFER) so that the sending system tries again later.
 *
 * The texts are fixed and neutral: the sender sees them, and they must not say who is protected.
 */
export const ANSWER_TEXT = Object.freeze({
  block: '5.7.1 This recipient cannot receive mail from this sender',
  unavailable: '4.3.0 The recipient cannot be checked now; try again later',
  noPrisoner: '4.7.1 The sender is not recognised; the message cannot be checked',
  badRequest: '4.3.0 The recipient cannot be checked; try again later'
})

export interface PolicyAnswer {
  action: PolicyAction
  text?: string
  /** the fields of the request's one log line: ids and hashes only, never an address */
  log: Record<string, unknown>
}

export interface PolicyCheckDeps {
  checks: CheckService
  /** a match on the envelope sender whose one capture group is the prisoner number */
  prisonerFrom: RegExp
  /** the name in the log line and the audit trail */
  client: CheckClient
  logger: Logger
}

/** Postfix's stages (SMTPD_POLICY_README); anything else is logged as `other`, never as sent. */
const STATES = new Set(['CONNECT', 'EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'END-OF-MESSAGE', 'VRFY', 'ETRN', 'BDAT', 'AUTH'])

// The HTTP API's own body schema: the same bounds (an email of at most 320 characters, a NOMIS number).
const validCheckBody = ajv.compile<CheckBody>(checkBody)

export function createPolicyCheck (deps: PolicyCheckDeps) {
  const { checks, prisonerFrom, client, logger } = deps

  return function answer (request: PolicyRequest): PolicyAnswer {
    const sent = request.get('protocol_state')
    const state = sent === undefined ? null : STATES.has(sent) ? sent : 'other'
    if (request.get('request') !== 'smtpd_access_policy') {
      return { action: 'DEFER', text: ANSWER_TEXT.badRequest, log: { state, reason: 'not_a_policy_request' } }
    }
    // Only RCPT names a recipient; the other stages (CONNECT, MAIL, DATA ...) leave it to the RCPT check.
    if (state !== 'RCPT') return { action: 'DUNNO', log: { state } }

    const prisoner = prisonerFrom.exec(request.get('sender') ?? '')?.[1]
    const recipient = request.get('recipient') ?? ''
    const body = { channel: 'email', prisoner: prisoner ?? '', email: recipient }
    if (prisoner === undefined || !validCheckBody(body)) {
      const reason = prisoner === undefined || !/^[A-Za-z][0-9]{4}[A-Za-z]{2}$/u.test(prisoner) ? 'no_prisoner' : 'bad_recipient'
      return { action: 'DEFER', text: reason === 'no_prisoner' ? ANSWER_TEXT.noPrisoner : ANSWER_TEXT.badRequest, log: { state, reason } }
    }
    try {
      const outcome = checks.check(body, client)
      const log = {
        state,
        prisoner: body.prisoner.toUpperCase(),
        decision: outcome.decision,
        entryIds: outcome.matches.map((match) => match.entryId),
        keyHashes: outcome.keyHashes
      }
      return outcome.decision === 'block'
        ? { action: 'REJECT', text: ANSWER_TEXT.block, log }
        : { action: 'DUNNO', log }
    } catch (err) {
      // A domain error of kind unavailable is the daemon saying it cannot decide (DEFER, as a 503
      // is to an HTTP caller); another domain error is the request's; anything else is ours to log.
      if (!(err instanceof DomainError)) logger.error({ err }, 'policy check failed')
      const decision = err instanceof DomainError && err.kind === 'unavailable' ? 'unavailable' : 'error'
      return { action: 'DEFER', text: ANSWER_TEXT.unavailable, log: { state, prisoner: body.prisoner.toUpperCase(), decision } }
    }
  }
}

export type PolicyCheck = ReturnType<typeof createPolicyCheck>
