/**
 * Blocks: filters (status, scope, prisoner, a block reference or its start, part of a request
 * reference), a table and pages of 20.
 */
import { apiMessage, field } from '../lib/api.js'
import { byId, formatTime, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems } from '../lib/errors.js'
import type { FieldProblem } from '../lib/errors.js'
import { LIMITS, isPrisonerNumber, isReferenceSearch } from '../lib/rules.js'
import { api, query } from './context.js'
import { detailCounts, referenceLink, statusTag, table, whoItBlocks } from './format.js'
import type { Entry } from './format.js'
import { showSync } from './sync.js'
import { showHeld } from './held.js'

const PAGE_SIZE = 20
const STATUSES = ['active', 'lifted']
const SCOPES = ['prisoner', 'establishment', 'national']

/**
 * reference: a block reference or its start (the API reads it leniently); refContains: part of a
 * request reference, any case (the API's text search on request references).
 */
interface Filters { status: string, scope: string, prisoner: string, reference: string, refContains: string, offset: number }

/** Only what the API accepts survives from the address bar; the rest is dropped, not sent. */
function filtersFrom (params: URLSearchParams): Filters {
  const pick = (name: string, allowed: (value: string) => boolean) => {
    const value = params.get(name) ?? ''
    return allowed(value) ? value : ''
  }
  const offset = Number(params.get('offset') ?? '0')
  return {
    status: pick('status', (value) => STATUSES.includes(value)),
    scope: pick('scope', (value) => SCOPES.includes(value)),
    prisoner: pick('prisoner', isPrisonerNumber).toUpperCase(),
    reference: pick('reference', isReferenceSearch),
    refContains: pick('refContains', (value) => value.trim() === value && value.length <= LIMITS.refContains),
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0
  }
}

export function wireList (): void {
  const form = byId<HTMLFormElement>('list-filters')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const prisoner = inputValue('filter-prisoner').toUpperCase()
    const refContains = inputValue('filter-ref')
    const reference = inputValue('filter-block').trim()
    const problems: FieldProblem[] = []
    if (prisoner !== '' && !isPrisonerNumber(prisoner)) problems.push({ field: 'filter-prisoner', message: 'Enter a prisoner number like A1234BC' })
    if (reference !== '' && !isReferenceSearch(reference)) problems.push({ field: 'filter-block', message: 'Enter a block reference like K7QM-4XRT, or its first 4 characters or more' })
    if (refContains.length > LIMITS.refContains) problems.push({ field: 'filter-ref', message: `Enter ${LIMITS.refContains} characters or fewer of the request reference` })
    if (problems.length > 0) {
      showProblems(form, byId('list-errors'), problems)
      return
    }
    location.hash = `#/entries${query({ status: inputValue('filter-status'), scope: inputValue('filter-scope'), prisoner, reference, refContains })}`
  })
}

export async function showList (params: URLSearchParams): Promise<void> {
  const filters = filtersFrom(params)
  byId<HTMLSelectElement>('filter-status').value = filters.status
  byId<HTMLSelectElement>('filter-scope').value = filters.scope
  byId<HTMLInputElement>('filter-prisoner').value = filters.prisoner
  byId<HTMLInputElement>('filter-block').value = filters.reference
  byId<HTMLInputElement>('filter-ref').value = filters.refContains
  clearProblems(byId('list-filters'), byId('list-errors'))
  // Awaited with the list, so that the view counts as shown only once both are on screen.
  const sync = Promise.all([showSync(), showHeld()])

  const { offset, ...wanted } = filters
  const answer = await api('GET', `/v1/entries${query({ ...wanted, limit: PAGE_SIZE, offset })}`)
  await sync
  if (answer.status === 400) {
    showProblems(byId('list-filters'), byId('list-errors'), [{ field: null, message: apiMessage(answer.body) }])
    return
  }
  if (answer.status !== 200) throw new Error(`entries: ${answer.status}`)
  const items = field(answer.body, 'items') as Entry[]
  const total = field(answer.body, 'total') as number

  byId('list-count').textContent = items.length === 0
    ? (offset === 0 ? 'No blocks match these filters.' : 'There are no more blocks.')
    : `Showing ${offset + 1} to ${offset + items.length} of ${total} ${total === 1 ? 'block' : 'blocks'}`
  byId('list-table').replaceChildren(items.length === 0
    ? ''
    : table('Blocks', ['Block reference', 'Request reference', 'Protected person', 'Who it blocks', 'Details', 'Status', 'Added'], items.map((entry) => [
      referenceLink(entry.id, entry.reference),
      entry.requestRef ?? '',
      entry.protectedPerson ?? '',
      whoItBlocks(entry),
      detailCounts(entry),
      statusTag(entry.status),
      formatTime(entry.createdAt, true)
    ])))

  const page = (to: number) => `#/entries${query({ ...wanted, offset: to === 0 ? undefined : to })}`
  const links = [
    offset > 0 ? h('li', {}, h('a', { href: page(Math.max(0, offset - PAGE_SIZE)), rel: 'prev' }, 'Previous page')) : null,
    offset + items.length < total ? h('li', {}, h('a', { href: page(offset + PAGE_SIZE), rel: 'next' }, 'Next page')) : null
  ]
  byId('list-pages').replaceChildren(h('ul', { class: 'pagination' }, ...links))
}
