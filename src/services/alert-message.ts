import type { Alert } from '../store/alerts-store.js'

/** What each alert type means, in the words a security team uses. */
const TYPE_TEXT: Record<Alert['type'], string> = {
  relay: 'Possible relay: a blocked detail tried by more than one prisoner, or by a prisoner other than the block\'s own',
  persistence: 'Persistent attempts: one prisoner keeps trying blocked details',
  after_notice: 'Contact attempted after the prisoner was told of the block'
}

/**
 * What leaves the daemon about a new alert, by webhook or email: the type, the block references,
 * the prisoner numbers, counts, times and a link to the SPOC page. Never a contact detail, the
 * protected person's name or a reason (docs/ALERTS.md).
 */
export interface AlertNotice {
  alertId: number
  type: Alert['type']
  summary: string
  establishment: string
  references: string[]
  entryIds: string[]
  prisoners: string[]
  attempts: number
  firstAt: string
  raisedAt: string
  link: string
}

export function noticeOf (alert: Alert, establishment: string, pageUrl: string | null): AlertNotice {
  const reference = alert.references[0]
  const base = `${(pageUrl ?? '').replace(/\/+$/, '')}/spoc`
  return {
    alertId: alert.id,
    type: alert.type,
    summary: TYPE_TEXT[alert.type],
    establishment,
    references: alert.references,
    entryIds: alert.entryIds,
    prisoners: alert.prisoners,
    attempts: alert.attempts,
    firstAt: new Date(alert.firstAt).toISOString(),
    raisedAt: new Date(alert.raisedAt).toISOString(),
    link: reference === undefined ? base : `${base}#/entries/${reference}`
  }
}

/** The email's subject and plain text. */
export function emailOf (notice: AlertNotice): { subject: string, text: string } {
  return {
    subject: `[upc-guard ${notice.establishment}] Alert ${notice.alertId}: ${notice.type.replace('_', ' ')} on ${notice.references.join(', ')}`,
    text: [
      notice.summary + '.',
      '',
      `Establishment: ${notice.establishment}`,
      `Block reference(s): ${notice.references.join(', ')}`,
      `Prisoner number(s): ${notice.prisoners.join(', ')}`,
      `Attempts counted: ${notice.attempts}`,
      `First attempt: ${notice.firstAt}`,
      `Raised: ${notice.raisedAt}`,
      '',
      `Open the block on the SPOC page: ${notice.link}`,
      '',
      'This message holds no contact details: the block on the SPOC page has them for those allowed to see them.'
    ].join('\n')
  }
}
