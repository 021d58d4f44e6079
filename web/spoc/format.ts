/** Words and small tables for the SPOC views; data goes in as text, never as HTML. */
import { formatTime, h } from '../lib/dom.js'
import type { Child } from '../lib/dom.js'

export interface Entry {
  id: string
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
  reason: string | null
  detail: Record<string, unknown> | null
}

export function whoItBlocks (entry: Pick<Entry, 'scope' | 'prisoner' | 'establishment'>): string {
  if (entry.scope === 'prisoner') return `Prisoner ${entry.prisoner ?? ''}`
  if (entry.scope === 'establishment') return `Every prisoner at ${entry.establishment}`
  return 'Every prisoner everywhere'
}

/** The block's name in links and headings: its request reference, else the start of its id. */
export function entryName (entry: Pick<Entry, 'id' | 'requestRef'>): string {
  return entry.requestRef ?? `Block ${entry.id.slice(0, 8)}`
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

const ACTIONS: Record<string, string> = {
  'entry.create': 'Block added',
  'entry.lift': 'Block lifted',
  check: 'Check',
  'sync.remove': 'Taken off by the hub',
  'sync.hold': 'Removal from the hub held',
  'sync.release': 'Held removal released',
  'sync.discard': 'Held removal refused: keeps blocking',
  'sync.supersede': 'Held removal withdrawn by the hub'
}

export function actionText (row: AuditRow): string {
  return ACTIONS[row.action] ?? row.action
}

/** Ids, codes and counts only: the audit trail never holds a contact detail. */
export function auditDetail (row: AuditRow): string {
  const detail = row.detail ?? {}
  if (row.action === 'check') {
    const decision = detail.decision === 'block' ? 'blocked' : detail.decision === 'allow' ? 'allowed' : String(detail.decision ?? '')
    return `${String(detail.channel ?? '')} for ${String(detail.prisoner ?? '')}: ${decision}`
  }
  return row.reason ?? ''
}

export function when (iso: string | null, short = false): string {
  return formatTime(iso, short)
}
