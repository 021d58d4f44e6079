/** The audit trail, newest first, filterable by block, client and date, paged by cursor. */
import { apiMessage, field } from '../lib/api.js'
import { byId, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems } from '../lib/errors.js'
import type { FieldProblem } from '../lib/errors.js'
import { LIMITS, isEntryId, isReferenceSearch, isWholeEntryId } from '../lib/rules.js'
import { api, query } from './context.js'
import { actionText, auditDetail, referenceLink, table, when } from './format.js'
import type { AuditRow } from './format.js'

const PAGE_SIZE = 50
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** One block, by its entry id or by its reference (or the start of one). */
interface Filters { entryId: string, reference: string, actor: string, from: string, to: string, before: string }

function filtersFrom (params: URLSearchParams): Filters {
  const get = (name: string) => params.get(name) ?? ''
  const before = get('before')
  return {
    entryId: isEntryId(get('entryId')) ? get('entryId') : '',
    reference: isReferenceSearch(get('reference')) ? get('reference') : '',
    actor: get('actor').slice(0, LIMITS.actor),
    from: DATE.test(get('from')) ? get('from') : '',
    to: DATE.test(get('to')) ? get('to') : '',
    before: /^[1-9]\d{0,15}$/.test(before) ? before : ''
  }
}

/** A day in the browser's time zone, from its first to its last millisecond. */
function dayStart (date: string): string | undefined {
  return date === '' ? undefined : new Date(`${date}T00:00:00`).toISOString()
}
function dayEnd (date: string): string | undefined {
  return date === '' ? undefined : new Date(`${date}T23:59:59.999`).toISOString()
}

export function wireAudit (): void {
  const form = byId<HTMLFormElement>('audit-filters')
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const block = inputValue('audit-entry').trim()
    const isId = isWholeEntryId(block.toLowerCase())
    const values = {
      entryId: isId ? block.toLowerCase() : '',
      reference: isId ? '' : block,
      actor: inputValue('audit-actor'),
      from: inputValue('audit-from'),
      to: inputValue('audit-to')
    }
    const problems: FieldProblem[] = []
    if (block !== '' && !isId && !isReferenceSearch(block)) problems.push({ field: 'audit-entry', message: 'Enter a block reference like K7QM-4XRT (or its first 4 characters), or an entry id' })
    if (values.actor.length > LIMITS.actor) problems.push({ field: 'audit-actor', message: `Enter a client name of ${LIMITS.actor} characters or fewer` })
    if (values.from !== '' && !DATE.test(values.from)) problems.push({ field: 'audit-from', message: 'Enter a real from date' })
    if (values.to !== '' && !DATE.test(values.to)) problems.push({ field: 'audit-to', message: 'Enter a real to date' })
    if (problems.length === 0 && values.from !== '' && values.to !== '' && values.to < values.from) {
      problems.push({ field: 'audit-to', message: 'The to date must be the same as or after the from date' })
    }
    if (problems.length > 0) {
      showProblems(form, byId('audit-errors'), problems)
      return
    }
    location.hash = `#/audit${query(values)}`
  })
}

export async function showAudit (params: URLSearchParams): Promise<void> {
  const filters = filtersFrom(params)
  byId<HTMLInputElement>('audit-entry').value = filters.entryId === '' ? filters.reference : filters.entryId
  byId<HTMLInputElement>('audit-actor').value = filters.actor
  byId<HTMLInputElement>('audit-from').value = filters.from
  byId<HTMLInputElement>('audit-to').value = filters.to
  clearProblems(byId('audit-filters'), byId('audit-errors'))

  const answer = await api('GET', `/v1/audit${query({
    entryId: filters.entryId,
    reference: filters.reference,
    actor: filters.actor,
    from: dayStart(filters.from),
    to: dayEnd(filters.to),
    before: filters.before,
    limit: PAGE_SIZE
  })}`)
  if (answer.status === 400) {
    showProblems(byId('audit-filters'), byId('audit-errors'), [{ field: null, message: apiMessage(answer.body) }])
    return
  }
  if (answer.status !== 200) throw new Error(`audit: ${answer.status}`)
  const items = field(answer.body, 'items') as AuditRow[]
  const next = field(answer.body, 'next') as number | null

  byId('audit-count').textContent = items.length === 0
    ? 'No records match these filters.'
    : `Showing ${items.length} ${items.length === 1 ? 'record' : 'records'}, newest first${filters.before === '' ? '' : ' (older page)'}`
  byId('audit-table').replaceChildren(items.length === 0
    ? ''
    : table('Audit trail', ['When', 'Client', 'What', 'Block', 'Details'], items.map((row) => [
      when(row.at, true),
      row.actor,
      actionText(row),
      row.entryId === null ? '' : referenceLink(row.entryId, row.reference ?? row.entryId),
      auditDetail(row)
    ])))

  const { before, ...wanted } = filters
  const links = [
    before !== '' ? h('li', {}, h('a', { href: `#/audit${query(wanted)}` }, 'Newest records')) : null,
    next !== null ? h('li', {}, h('a', { href: `#/audit${query({ ...wanted, before: next })}`, rel: 'next' }, 'Older records')) : null
  ]
  byId('audit-pages').replaceChildren(h('ul', { class: 'pagination' }, ...links))
}
