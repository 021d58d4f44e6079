/**
 * Removals from the hub waiting for a person (the brake on removals), above the list of blocks:
 * each one, and buttons to release it (the block comes off) or keep it blocking, with a reason
 * the audit trail keeps. Shown only while something waits.
 */
import { apiMessage } from '../lib/api.js'
import { byId, formatTime, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems } from '../lib/errors.js'
import { LIMITS, holdsContactDetail } from '../lib/rules.js'
import { api, failed, flash, refresh } from './context.js'
import { table } from './format.js'

interface HeldItem { id: number, entryId: string, requestRef: string | null, seq: number, kind: string, heldAt: string }
interface HeldList { items: HeldItem[], total: number, threshold: number, appliedLastHour: number }

/** What the hub's change would do to the block, in plain words. */
const KINDS: Record<string, string> = {
  remove: 'Remove it',
  lift: 'Lift it',
  expiry: 'End it sooner',
  start: 'Start it later',
  scope: 'Block fewer prisoners',
  details: 'Drop a contact detail',
  address_mode: 'Hold fewer letters'
}

function isList (body: unknown): body is HeldList {
  return typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>).items) &&
    typeof (body as Record<string, unknown>).total === 'number'
}

const name = (item: HeldItem) => item.requestRef ?? item.entryId

function render (list: HeldList): void {
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`
  byId('held-summary').textContent = `The national hub sent ${plural(list.total, 'change that takes a block off', 'changes that take blocks off')} ` +
    `past what a sync applies by itself (${plural(list.threshold, 'removal', 'removals')} an hour). ` +
    `${list.total === 1 ? 'That block keeps' : 'Those blocks keep'} blocking until you release or refuse ${list.total === 1 ? 'the change' : 'each change'}.`
  byId('held-table').replaceChildren(table('Removals waiting for you, oldest first', ['Block', 'What the hub asks', 'When it arrived', 'Change number', 'Your decision'],
    list.items.map((item) => [
      h('a', { href: `#/entries/${item.entryId}` }, name(item)),
      KINDS[item.kind] ?? item.kind,
      formatTime(item.heldAt, true),
      String(item.seq),
      h('div', { class: 'button-group' },
        h('button', { class: 'button button--warning', type: 'button', id: `held-release-${item.id}`, 'data-held': String(item.id), 'data-outcome': 'release', 'aria-label': `Release: ${KINDS[item.kind] ?? item.kind}, ${name(item)}` }, 'Release'),
        h('button', { class: 'button button--secondary', type: 'button', id: `held-keep-${item.id}`, 'data-held': String(item.id), 'data-outcome': 'discard', 'aria-label': `Keep blocking: ${name(item)}` }, 'Keep blocking'))
    ])))
  byId('held-more').hidden = list.items.length >= list.total
  byId('held-more').textContent = `The first ${list.items.length} of ${list.total} are listed; Release all and Keep all blocking act on every one.`
}

/** Hidden when nothing waits, or when the list cannot be read (the rest of the page still works). */
export async function showHeld (): Promise<void> {
  const section = byId('held-removals')
  clearProblems(byId('held-form'), byId('held-errors'))
  let list: HeldList | null = null
  try {
    const answer = await api('GET', '/v1/sync/held')
    if (answer.status === 200 && isList(answer.body)) list = answer.body
  } catch {
    list = null
  }
  if (list === null || list.total === 0) {
    section.hidden = true
    return
  }
  render(list)
  section.hidden = false
}

function reasonProblem (reason: string): string | null {
  if (reason === '') return 'Enter why you are releasing or refusing these removals'
  if (reason.length > LIMITS.heldReason) return `The reason must be ${LIMITS.heldReason} characters or fewer`
  if (holdsContactDetail(reason)) return 'The reason must not contain a phone number, email address or postcode: the audit trail keeps it'
  return null
}

async function decide (outcome: 'release' | 'discard', ids: number[] | 'all'): Promise<void> {
  const form = byId('held-form')
  const reason = inputValue('held-reason')
  const problem = reasonProblem(reason)
  if (problem !== null) {
    showProblems(form, byId('held-errors'), [{ field: 'held-reason', message: problem }])
    return
  }
  const answer = await api('POST', `/v1/sync/held/${outcome}`, ids === 'all' ? { all: true, reason } : { ids, reason })
  if (answer.status === 400 || answer.status === 404 || answer.status === 409) {
    showProblems(form, byId('held-errors'), [{ field: answer.status === 400 ? 'held-reason' : null, message: apiMessage(answer.body) }])
    return
  }
  if (answer.status !== 200) throw new Error(`held ${outcome}: ${answer.status}`)
  const count = ((answer.body as { changes?: unknown[] }).changes ?? []).length
  const blocks = `${count} ${count === 1 ? 'block' : 'blocks'}`
  flash(outcome === 'release' ? 'Removals released' : 'Removals refused',
    outcome === 'release' ? `The hub's changes to ${blocks} are applied.` : `${blocks} ${count === 1 ? 'keeps' : 'keep'} blocking.`)
  byId<HTMLTextAreaElement>('held-reason').value = ''
  refresh()
}

export function wireHeld (): void {
  byId('held-form').addEventListener('submit', (event) => { event.preventDefault() })
  byId('held-release-all').addEventListener('click', () => { decide('release', 'all').catch(failed) })
  byId('held-keep-all').addEventListener('click', () => { decide('discard', 'all').catch(failed) })
  byId('held-table').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-held]')
    if (button === null) return
    const outcome = button.dataset.outcome === 'release' ? 'release' : 'discard'
    decide(outcome, [Number(button.dataset.held)]).catch(failed)
  })
}
