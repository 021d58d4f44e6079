/**
 * Requests (docs/REQUESTS.md): the queue (open ones first, the most overdue first; decided ones
 * after), one request with its decision form, and the prisoner's notice to print and record. At
 * the hub the same views list every establishment's requests and their stage.
 */
import { apiMessage, field } from '../lib/api.js'
import { byId, checkedValue, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems } from '../lib/errors.js'
import type { FieldProblem } from '../lib/errors.js'
import { api, failed, flash, query, showFlash } from './context.js'
import { list, summaryRow, table, when } from './format.js'

interface Request {
  id: string
  kind: 'restrict' | 'reinstate'
  status: 'pending' | 'blocking' | 'approved' | 'declined' | 'moved'
  stage: 'received' | 'passed-on' | 'decided' | 'notice-given'
  origin: 'local' | 'hub'
  establishment: string
  prisoner: string
  consent: boolean
  intelligenceLed: boolean
  requester: { kind: string, name?: string, organisation?: string }
  outcomeContact: { method: string, value: string }
  block: { phones?: string[], emails?: string[], addresses?: unknown[], protectedPerson?: string } | null
  liftEntryId: string | null
  entryId: string | null
  reason: string
  requestRef: string | null
  receivedAt: string
  arrivedAt: string | null
  decisionDueAt: string
  passOnDueAt: string
  overdue: boolean
  decidedAt: string | null
  decidedBy: string | null
  rationale: string | null
  notice: { at: string, by: string, template: string, recordedBy: string } | null
  here: boolean
}

const STATES = ['open', 'overdue', 'decided']
const MAX_TEXT = 2000

const STATUS_WORDS: Record<Request['status'], string> = {
  pending: 'Waiting for a decision',
  blocking: 'Blocking: confirm it',
  approved: 'Approved',
  declined: 'Declined',
  moved: 'Moved with the prisoner'
}
const STAGE_WORDS: Record<Request['stage'], string> = {
  received: 'Received',
  'passed-on': 'Passed on',
  decided: 'Decided',
  'notice-given': 'Notice given'
}
const KIND_WORDS: Record<Request['kind'], string> = { restrict: 'Stop contact', reinstate: 'Allow contact again' }

function statusTag (request: Request): HTMLElement {
  if (request.overdue) return h('strong', { class: 'tag tag--fail' }, `Overdue: ${STATUS_WORDS[request.status]}`)
  const open = request.status === 'pending' || request.status === 'blocking'
  return h('strong', { class: `tag ${open ? 'tag--warn' : 'tag--lifted'}` }, STATUS_WORDS[request.status])
}

const requestName = (request: Request): string => `Request ${request.requestRef ?? request.id.slice(-8)} for ${request.prisoner}`

export async function showRequests (params: URLSearchParams): Promise<void> {
  const state = STATES.includes(params.get('state') ?? '') ? params.get('state') ?? '' : ''
  byId<HTMLSelectElement>('requests-state').value = state
  const answer = await api('GET', `/v1/requests${query({ state, limit: 200 })}`)
  if (answer.status !== 200) throw new Error(`requests: ${answer.status}`)
  const items = field(answer.body, 'items') as Request[]
  byId('requests-count').textContent = `${items.length} request${items.length === 1 ? '' : 's'}`
  byId('requests-table').replaceChildren(items.length === 0
    ? h('p', {}, 'No requests.')
    : table('Requests, open ones first and the most overdue first', ['Request', 'Prisoner', 'Establishment', 'Kind', 'Status', 'Stage', 'Decision due'], items.map((request) => [
      h('a', { href: `#/requests/${request.id}` }, request.requestRef ?? request.id.slice(-8)),
      request.prisoner,
      request.establishment,
      KIND_WORDS[request.kind],
      statusTag(request),
      STAGE_WORDS[request.stage],
      when(request.decisionDueAt, true)
    ])))
}

let current: Request | null = null

function details (request: Request): HTMLElement[] {
  const rows = [
    summaryRow('Status', statusTag(request)),
    summaryRow('Stage', STAGE_WORDS[request.stage]),
    summaryRow('Kind', KIND_WORDS[request.kind]),
    summaryRow('Prisoner', request.prisoner),
    summaryRow('Establishment', request.establishment),
    summaryRow('Consent', request.consent ? 'Yes: the person consented or asked themselves' : 'No'),
    summaryRow('Follows intelligence', request.intelligenceLed ? 'Yes: the notice names the person' : 'No'),
    summaryRow('Who asked', [request.requester.kind, request.requester.name, request.requester.organisation].filter((x) => x !== undefined).join(', ')),
    summaryRow('Tell them the outcome by', `${request.outcomeContact.method}: ${request.outcomeContact.value}`),
    request.block === null ? null : summaryRow('Protected person', request.block.protectedPerson ?? 'Not recorded'),
    request.block === null ? null : summaryRow('Phone numbers', list(request.block.phones ?? [])),
    request.block === null ? null : summaryRow('Email addresses', list(request.block.emails ?? [])),
    request.liftEntryId === null ? null : summaryRow('Block to lift', h('a', { href: `#/entries/${request.liftEntryId}` }, request.liftEntryId)),
    request.entryId === null ? null : summaryRow('Block made', h('a', { href: `#/entries/${request.entryId}` }, 'View the block')),
    summaryRow('Reason', request.reason),
    summaryRow('Received', when(request.receivedAt)),
    summaryRow('Reached the establishment', request.arrivedAt === null ? 'Not yet' : when(request.arrivedAt)),
    summaryRow('To pass on by', when(request.passOnDueAt)),
    summaryRow('Decision due', when(request.decisionDueAt)),
    request.decidedAt === null ? null : summaryRow('Decided', `${when(request.decidedAt)} by ${request.decidedBy ?? ''}: ${request.rationale ?? ''}`),
    request.notice === null ? null : summaryRow('Prisoner told in writing', `${when(request.notice.at)} by ${request.notice.by} (wording ${request.notice.template})`)
  ]
  return rows.filter((row): row is HTMLElement => row !== null)
}

function resetForms (): void {
  for (const [form, summary] of [['decision-form', 'decision-errors'], ['notice-form', 'notice-errors']] as const) {
    clearProblems(byId(form), byId(summary))
    byId<HTMLFormElement>(form).reset()
  }
}

export async function showRequest (id: string): Promise<void> {
  current = null
  resetForms()
  for (const section of ['decision-section', 'notice-section']) byId(section).hidden = true
  byId('request-details').replaceChildren()
  byId('notice-text').replaceChildren()
  const answer = await api('GET', `/v1/requests/${encodeURIComponent(id)}`)
  if (answer.status === 404 || answer.status === 400) {
    byId('request-heading').textContent = 'No such request'
    return
  }
  if (answer.status !== 200) throw new Error(`request: ${answer.status}`)
  const request = answer.body as Request
  current = request
  byId('request-heading').textContent = requestName(request)
  document.title = `${requestName(request)} – Security SPOC – upc-guard`
  byId('request-details').replaceChildren(...details(request))
  const open = request.status === 'pending' || request.status === 'blocking'
  // At the hub (here: false) the page shows the state; the establishment decides and records the notice.
  byId('decision-section').hidden = !open || !request.here
  byId('decision-approve-label').textContent = request.status === 'blocking' ? 'Confirm: keep the block' : request.kind === 'restrict' ? 'Approve: block these details' : 'Approve: lift the block'
  const noticeDue = request.kind === 'restrict' && (request.status === 'approved' || request.status === 'blocking')
  if (noticeDue && request.here) {
    const notice = await api('GET', `/v1/requests/${request.id}/notice`)
    if (notice.status !== 200) throw new Error(`notice: ${notice.status}`)
    const paragraphs = field(notice.body, 'paragraphs') as string[]
    byId('notice-text').replaceChildren(h('h3', {}, String(field(notice.body, 'title'))), ...paragraphs.map((text) => h('p', {}, text)))
    byId('notice-section').hidden = false
    byId('notice-form').hidden = request.notice !== null
  }
}

function decisionProblems (): FieldProblem[] {
  const problems: FieldProblem[] = []
  if (checkedValue('decision') === null) problems.push({ field: 'decision-approve', message: 'Select approve or decline' })
  const rationale = inputValue('decision-rationale')
  if (rationale === '') problems.push({ field: 'decision-rationale', message: 'Enter why: the rationale is kept with the decision' })
  else if (rationale.length > MAX_TEXT) problems.push({ field: 'decision-rationale', message: `The rationale must be ${MAX_TEXT} characters or fewer` })
  return problems
}

function noticeProblems (): FieldProblem[] {
  const problems: FieldProblem[] = []
  const given = inputValue('notice-at')
  if (given === '' || Number.isNaN(new Date(given).getTime())) problems.push({ field: 'notice-at', message: 'Enter when the prisoner was given the notice' })
  else if (new Date(given).getTime() > Date.now()) problems.push({ field: 'notice-at', message: 'The time the notice was given must not be in the future' })
  if (inputValue('notice-by') === '') problems.push({ field: 'notice-by', message: 'Enter who gave the notice' })
  return problems
}

async function send (form: string, summary: string, fieldId: string, path: string, body: unknown, done: string): Promise<void> {
  if (current === null) return
  const request = current
  const answer = await api('POST', `/v1/requests/${request.id}/${path}`, body)
  if (answer.status === 200) {
    flash(done, requestName(request))
    await showRequest(request.id)
    showFlash()
    return
  }
  if (answer.status === 400 || answer.status === 409) {
    showProblems(byId(form), byId(summary), [{ field: fieldId, message: apiMessage(answer.body) }])
    return
  }
  throw new Error(`${path}: ${answer.status}`)
}

export function wireRequests (): void {
  byId<HTMLFormElement>('requests-filters').addEventListener('submit', (event) => {
    event.preventDefault()
    location.hash = `#/requests${query({ state: inputValue('requests-state') })}`
  })
  byId<HTMLFormElement>('decision-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const problems = decisionProblems()
    if (problems.length > 0) { showProblems(byId('decision-form'), byId('decision-errors'), problems); return }
    const decision = checkedValue('decision') ?? ''
    send('decision-form', 'decision-errors', 'decision-rationale', 'decision', { decision, rationale: inputValue('decision-rationale') },
      decision === 'approve' ? 'Request approved' : 'Request declined').catch(failed)
  })
  byId<HTMLFormElement>('notice-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const problems = noticeProblems()
    if (problems.length > 0) { showProblems(byId('notice-form'), byId('notice-errors'), problems); return }
    send('notice-form', 'notice-errors', 'notice-at', 'notice', { givenAt: new Date(inputValue('notice-at')).toISOString(), givenBy: inputValue('notice-by') },
      'Notice recorded').catch(failed)
  })
  byId('notice-print').addEventListener('click', () => { window.print() })
}
