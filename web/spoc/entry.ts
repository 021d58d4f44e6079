/** One block: its details, its history from the audit trail, and lift (reason, then confirmation). */
import { apiMessage, field } from '../lib/api.js'
import { byId, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems } from '../lib/errors.js'
import { LIMITS, holdsContactDetail, isEntryId, isWholeReferenceText } from '../lib/rules.js'
import { showAttempts } from './attempts.js'
import { api, failed, flash, showFlash } from './context.js'
import {
  actionText, addressText, auditDetail, consentText, entryName, lettersHeld, list, originText, statusTag, summaryRow, table, when,
  whoItBlocks
} from './format.js'
import type { AuditRow, Entry } from './format.js'

let current: Entry | null = null

function showDetails (entry: Entry): void {
  byId('entry-heading').textContent = entryName(entry)
  document.title = `${entryName(entry)} – Security SPOC – upc-guard`
  const rows = [
    summaryRow('Block reference', h('span', { class: 'mono reference' }, entry.reference)),
    summaryRow('Status', statusTag(entry.status)),
    summaryRow('Who it blocks', whoItBlocks(entry)),
    summaryRow('Protected person', entry.protectedPerson ?? 'Not recorded'),
    summaryRow('Phone numbers', list(entry.phones)),
    summaryRow('Email addresses', list(entry.emails)),
    summaryRow('Postal addresses', list(entry.addresses.map(addressText))),
    entry.addresses.length > 0 ? summaryRow('Letters held', lettersHeld(entry)) : null,
    summaryRow('Reason', entry.reason),
    summaryRow('Request reference', entry.requestRef ?? 'None'),
    summaryRow('Consent', consentText(entry.consent)),
    summaryRow('Starts', entry.effectiveFrom === null ? 'When it was added' : when(entry.effectiveFrom)),
    summaryRow('Ends', entry.expiresAt === null ? 'No end date' : when(entry.expiresAt)),
    summaryRow('Where it was added', originText(entry.origin)),
    summaryRow('Added', `${when(entry.createdAt)} by ${entry.createdBy}`),
    summaryRow('Entry id', h('span', { class: 'mono' }, entry.id))
  ]
  if (entry.status === 'lifted') {
    rows.splice(2, 0, summaryRow('Lifted', `${when(entry.liftedAt)} by ${entry.liftedBy ?? ''}: ${entry.liftReason ?? ''}`))
  }
  byId('entry-details').replaceChildren(...rows.filter((row) => row !== null))
}

function showHistory (entry: Entry, rows: AuditRow[]): void {
  byId('entry-history').replaceChildren(rows.length === 0
    ? h('p', {}, entry.origin === 'hub' ? 'Nothing recorded here yet: the national hub keeps the history of its own changes to this block.' : 'Nothing recorded yet.')
    : table('History of this block', ['When', 'Client', 'What', 'Details'], rows.map((row) => [
      when(row.at, true), row.actor, actionText(row), auditDetail(row)
    ])))
}

function resetLift (): void {
  clearProblems(byId('lift-form'), byId('lift-errors'))
  byId<HTMLTextAreaElement>('lift-reason').value = ''
  byId('lift-form').hidden = false
  byId('lift-confirm').hidden = true
}

/** `id`: the entry id of a link, or a block reference typed into the address (#/entries/K7QM-4XRT). */
export async function showEntry (id: string): Promise<void> {
  current = null
  resetLift()
  byId('entry-details').replaceChildren()
  byId('entry-history').replaceChildren()
  byId('entry-attempts').replaceChildren()
  byId('lift-section').hidden = true
  byId('lift-hub').hidden = true
  const byReference = !isEntryId(id) && isWholeReferenceText(decodeURIComponent(id))
  const [entry, history] = isEntryId(id)
    ? await Promise.all([api('GET', `/v1/entries/${id}`), api('GET', `/v1/audit?entryId=${id}&limit=200`)])
    : byReference
      ? await entryThenHistory(decodeURIComponent(id))
      : [{ status: 404, body: null }, { status: 404, body: null }]
  if (entry.status === 404) {
    byId('entry-heading').textContent = 'No such block'
    byId('entry-details').replaceChildren(h('p', {}, 'There is no block with that reference. Go back to the list of blocks.'))
    return
  }
  if (entry.status !== 200 || history.status !== 200) throw new Error(`entry: ${entry.status}, audit: ${history.status}`)
  current = entry.body as Entry
  showDetails(current)
  showHistory(current, field(history.body, 'items') as AuditRow[])
  await showAttempts(current.id)
  // A block from the hub is lifted at the hub (the API answers 409 hub_entry here).
  byId('lift-section').hidden = current.status !== 'active' || current.origin === 'hub'
  byId('lift-hub').hidden = current.status !== 'active' || current.origin !== 'hub'
}

/** A block found by its reference: its history is asked for by the id the answer gives. */
async function entryThenHistory (reference: string): Promise<[{ status: number, body: unknown }, { status: number, body: unknown }]> {
  const entry = await api('GET', `/v1/entries/${encodeURIComponent(reference)}`)
  const id = field(entry.body, 'id')
  if (entry.status !== 200 || typeof id !== 'string') return [{ status: entry.status === 400 ? 404 : entry.status, body: null }, { status: 404, body: null }]
  return [entry, await api('GET', `/v1/audit?entryId=${id}&limit=200`)]
}

function liftProblem (reason: string): string | null {
  if (reason === '') return 'Enter why the block is being lifted'
  if (reason.length > LIMITS.liftReason) return `The reason must be ${LIMITS.liftReason} characters or fewer`
  if (holdsContactDetail(reason, current?.phones ?? [])) return 'The reason must not contain a phone number, email address or postcode: the audit trail keeps it'
  return null
}

async function lift (): Promise<void> {
  if (current === null) return
  const entry = current
  const answer = await api('POST', `/v1/entries/${entry.id}/lift`, { reason: inputValue('lift-reason') })
  if (answer.status === 200) {
    flash('Block lifted', `${entryName(entry)} no longer holds letters, calls or messages.`)
    await showEntry(entry.id)
    showFlash()
    return
  }
  byId('lift-form').hidden = false
  byId('lift-confirm').hidden = true
  if (answer.status === 400 || answer.status === 409) {
    showProblems(byId('lift-form'), byId('lift-errors'), [{ field: 'lift-reason', message: apiMessage(answer.body) }])
    return
  }
  throw new Error(`lift: ${answer.status}`)
}

export function wireEntry (): void {
  byId('lift-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const problem = liftProblem(inputValue('lift-reason'))
    if (problem !== null) {
      showProblems(byId('lift-form'), byId('lift-errors'), [{ field: 'lift-reason', message: problem }])
      return
    }
    clearProblems(byId('lift-form'), byId('lift-errors'))
    byId('lift-confirm-reason').textContent = inputValue('lift-reason')
    byId('lift-form').hidden = true
    byId('lift-confirm').hidden = false
    byId('lift-confirm-heading').focus()
  })
  byId('lift-yes').addEventListener('click', () => {
    lift().catch(failed)
  })
  byId('lift-no').addEventListener('click', () => {
    byId('lift-form').hidden = false
    byId('lift-confirm').hidden = true
    byId('lift-reason').focus()
  })
}
