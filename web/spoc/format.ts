/** Words and small tables for the SPOC views; data goes in as text, never as HTML. */
import type { AuditAction } from '../../src/domain/audit-actions.js'
import { formatTime, h } from '../lib/dom.js'
import type { Child } from '../lib/dom.js'

export interface Entry {
  id: string
  /** the block's short reference, K7QM-4XRT: what people quote */
  reference: string
  status: 'active' | 'lifted'
  scope: 'prisoner' | 'establishment' | 'national'
  prisoner: string | null
  establishment: string
  phones: string[]
  emails: string[]
  addresses: Array<string | { lines: string[], postcode?: string }>
  protectedPerson: string | null
  addressMode: 'whole' | 'named'
  reason: string
  requestRef: string | null
  consent: boolean | null
  effectiveFrom: string | null
  expiresAt: string | null
  createdAt: string
  createdBy: string
  liftedAt: string | null
  liftedBy: string | null
  liftReason: string | null
  origin: 'local' | 'hub'
  warnings: Array<{ field: string, code: string, message: string }>
}

export interface AuditRow {
  id: number
  at: string
  actor: string
  action: string
  entryId: string | null
  reference: string | null
  reason: string | null
  detail: Record<string, unknown> | null
}

export function whoItBlocks (entry: Pick<Entry, 'scope' | 'prisoner' | 'establishment'>): string {
  if (entry.scope === 'prisoner') return `Prisoner ${entry.prisoner ?? ''}`
  if (entry.scope === 'establishment') return `Every prisoner at ${entry.establishment}`
  return 'Every prisoner everywhere'
}

/** The block's name in headings and notices: its request reference, else its block reference. */
export function entryName (entry: Pick<Entry, 'reference' | 'requestRef'>): string {
  return entry.requestRef ?? `Block ${entry.reference}`
}

/** A block reference as a link to its block, in a type that tells 0 from O. */
export function referenceLink (entryId: string, reference: string): HTMLElement {
  return h('a', { href: `#/entries/${entryId}`, class: 'mono reference' }, reference)
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

export function detailCounts (entry: Entry): string {
  const parts = [
    entry.phones.length > 0 ? plural(entry.phones.length, 'phone', 'phones') : '',
    entry.emails.length > 0 ? plural(entry.emails.length, 'email', 'emails') : '',
    entry.addresses.length > 0 ? plural(entry.addresses.length, 'address', 'addresses') : ''
  ]
  return parts.filter((part) => part !== '').join(', ')
}

export function addressText (address: Entry['addresses'][number]): string {
  if (typeof address === 'string') return address.split(/\s*[\n,]\s*/).filter((line) => line !== '').join(', ')
  return [...address.lines, address.postcode ?? ''].filter((line) => line !== '').join(', ')
}

/** Which letters to the entry's postal addresses are held: all of them, or those to the protected person. */
export function lettersHeld (entry: Pick<Entry, 'addressMode' | 'protectedPerson'>): string {
  if (entry.addressMode === 'whole') return 'All mail to these addresses'
  return `Only mail addressed to ${entry.protectedPerson ?? 'the protected person'}, or to no one by name. ` +
    'Letters to anyone else at these addresses (a child, say) are not held.'
}

export function originText (origin: Entry['origin']): string {
  return origin === 'hub' ? 'At the national hub, and received here by sync' : 'Here, at this establishment'
}

export function statusTag (status: Entry['status']): HTMLElement {
  return h('strong', { class: `tag tag--${status}` }, status === 'active' ? 'Active' : 'Lifted')
}

export function consentText (consent: boolean | null): string {
  return consent === null ? 'Not recorded' : consent ? 'Yes' : 'No'
}

export function summaryRow (term: string, ...value: Child[]): HTMLElement {
  return h('div', { class: 'summary-list__row' }, h('dt', {}, term), h('dd', {}, ...value))
}

export function list (items: string[]): Child {
  if (items.length === 0) return 'None'
  if (items.length === 1) return items[0]
  return h('ul', {}, ...items.map((item) => h('li', {}, item)))
}

export function table (caption: string, headings: string[], rows: Child[][]): HTMLElement {
  return h('table', { class: 'table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))))
}

/** Words for every action the daemon records (the compiler holds this to the list). */
export const ACTION_WORDS: Record<AuditAction, string> = {
  'entry.create': 'Block added',
  'entry.lift': 'Block lifted',
  'prisoner.transfer': 'Prisoner moved',
  'client.create': 'Client added',
  'check.decide': 'Check',
  'check.explain': 'Check explained',
  'sync.run': 'Sync with the hub',
  'sync.quarantine': 'Held back from the hub',
  'sync.hold': 'Removal from the hub held for a SPOC',
  'sync.remove': 'Removal from the hub applied',
  'sync.supersede': 'Held removal overtaken by the hub',
  'sync.release': 'Held removal released by a SPOC',
  'sync.discard': 'Held removal discarded by a SPOC',
  'retention.erase': 'Details erased (retention)',
  'store.seal': 'Store sealed',
  'store.rekey': 'Match keys remade',
  'key.rotate': 'Data key rotated',
  'sync.apply': 'Applied from the hub',
  'reason.seal': 'Reasons sealed',
  'request.create': 'Request recorded',
  'request.decide': 'Request decided',
  'request.notice': 'Prisoner\'s notice recorded',
  'request.move': 'Request moved with the prisoner',
  'request.report': 'Request outcome reported to the hub',
  'alert.raise': 'Alert raised',
  'alert.acknowledge': 'Alert acknowledged',
  'alert.close': 'Alert closed'
}

/** The action in words; one this page does not know (a newer daemon's) as its code. */
export function actionText (row: Pick<AuditRow, 'action'>): string {
  return Object.hasOwn(ACTION_WORDS, row.action) ? ACTION_WORDS[row.action as AuditAction] : row.action
}

/** Ids, codes and counts only: the audit trail never holds a contact detail. */
export function auditDetail (row: AuditRow): string {
  const detail = row.detail ?? {}
  if (row.action === 'check.decide') {
    const decision = detail.decision === 'block' ? 'blocked' : detail.decision === 'allow' ? 'allowed' : String(detail.decision ?? '')
    return `${String(detail.channel ?? '')} for ${String(detail.prisoner ?? '')}: ${decision}`
  }
  return row.reason ?? ''
}

export function when (iso: string | null, short = false): string {
  return formatTime(iso, short)
}
