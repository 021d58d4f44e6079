/**
 * Alerts on continued contact (docs/ALERTS.md): open ones first, each with a note to acknowledge
 * it; then acknowledged ones, to close; then the last few closed. The count of open alerts sits in
 * the header's menu on every view.
 */
import { apiMessage } from '../lib/api.js'
import { byId, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems } from '../lib/errors.js'
import { holdsContactDetail } from '../lib/rules.js'
import { api, failed, flash, refresh } from './context.js'
import { list, summaryRow, when } from './format.js'

interface Alert {
  id: number
  type: 'relay' | 'persistence' | 'after_notice'
  state: 'open' | 'acknowledged' | 'closed'
  entryIds: string[]
  references: string[]
  prisoners: string[]
  attempts: number
  firstAt: string
  lastAt: string
  acknowledgedAt: string | null
  acknowledgedBy: string | null
  note: string | null
  closedAt: string | null
  closedBy: string | null
  closeNote: string | null
}

const NOTE_MAX = 2000
const SHOWN = 100

const TYPE_WORDS: Record<Alert['type'], string> = {
  relay: 'Possible relay through another prisoner',
  persistence: 'Persistent attempts by one prisoner',
  after_notice: 'Contact attempted after the prisoner was told'
}

async function alertsIn (state: Alert['state'], limit: number): Promise<Alert[]> {
  const answer = await api('GET', `/v1/alerts?state=${state}&limit=${limit}`)
  if (answer.status !== 200) throw new Error(`alerts: ${answer.status}`)
  return (answer.body as { items: Alert[] }).items
}

/** The header's count: "Alerts" with how many are open, read on every view. */
export async function showAlertCount (): Promise<void> {
  let open: number
  try {
    open = (await alertsIn('open', 500)).length
  } catch {
    return
  }
  const badge = byId('alerts-count')
  badge.textContent = open === 0 ? '' : open >= 500 ? '500+' : String(open)
  badge.hidden = open === 0
  byId('alerts-link').setAttribute('aria-label', open === 0 ? 'Alerts, none open' : `Alerts, ${badge.textContent} open`)
}

function noteField (alert: Alert, label: string, hint: string): HTMLElement {
  const id = `alert-${alert.id}-note`
  return h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, label),
    h('p', { class: 'hint', id: `${id}-hint` }, hint),
    h('textarea', { class: 'textarea input--w30', id, name: 'note', rows: '2', 'aria-describedby': `${id}-hint` }))
}

function card (alert: Alert): HTMLElement {
  const title = `alert-${alert.id}-title`
  const blocks = alert.references.map((reference, i) => h('a', { href: `#/entries/${alert.entryIds[i] ?? reference}` }, reference))
  const details = h('dl', { class: 'summary-list' },
    summaryRow('Blocks', ...blocks.flatMap((link, i) => (i === 0 ? [link] : [', ', link]))),
    summaryRow('Prisoners', list(alert.prisoners)),
    summaryRow('Attempts', String(alert.attempts)),
    summaryRow('First attempt', when(alert.firstAt)),
    summaryRow('Latest attempt', when(alert.lastAt)),
    alert.acknowledgedAt === null ? null : summaryRow('Acknowledged', `${when(alert.acknowledgedAt)} by ${alert.acknowledgedBy ?? ''}: ${alert.note ?? ''}`),
    alert.closedAt === null ? null : summaryRow('Closed', `${when(alert.closedAt)} by ${alert.closedBy ?? ''}${alert.closeNote === null ? '' : `: ${alert.closeNote}`}`))
  const form = alert.state === 'closed'
    ? null
    : h('form', { 'data-alert': String(alert.id), 'data-action': alert.state === 'open' ? 'acknowledge' : 'close', novalidate: true },
      alert.state === 'open'
        ? noteField(alert, 'What was done, or will be', 'Needed to acknowledge. Do not write a phone number, email address, postcode or the protected person\'s name: the audit trail keeps this text.')
        : noteField(alert, 'Closing note (optional)', 'Do not write a phone number, email address, postcode or the protected person\'s name.'),
      h('button', { class: alert.state === 'open' ? 'button' : 'button button--secondary', type: 'submit', id: `alert-${alert.id}-${alert.state === 'open' ? 'acknowledge' : 'close'}` },
        alert.state === 'open' ? 'Acknowledge' : 'Close', h('span', { class: 'visually-hidden' }, ` alert ${alert.id}`)))
  return h('article', { class: alert.state === 'open' ? 'inset inset--warning' : 'inset', 'aria-labelledby': title },
    h('h3', { class: 'heading-s', id: title }, `${TYPE_WORDS[alert.type]} (alert ${alert.id})`),
    details, form)
}

function section (id: string, alerts: Alert[], none: string): void {
  byId(id).replaceChildren(...(alerts.length === 0 ? [h('p', {}, none)] : alerts.map(card)))
}

export async function showAlerts (): Promise<void> {
  clearProblems(byId('alerts-view'), byId('alerts-errors'))
  const [open, acknowledged, closed] = await Promise.all([alertsIn('open', SHOWN), alertsIn('acknowledged', SHOWN), alertsIn('closed', 10)])
  byId('alerts-summary').textContent = open.length === 0 ? 'No open alerts.' : `${open.length >= SHOWN ? `${SHOWN}+` : open.length} open ${open.length === 1 ? 'alert' : 'alerts'}, newest first.`
  section('alerts-open', open, 'None open.')
  section('alerts-acknowledged', acknowledged, 'None waiting to be closed.')
  section('alerts-closed', closed, 'None closed yet.')
}

function noteProblem (note: string, required: boolean): string | null {
  if (note === '') return required ? 'Enter what was done, or will be, to acknowledge the alert' : null
  if (note.length > NOTE_MAX) return `The note must be ${NOTE_MAX} characters or fewer`
  if (holdsContactDetail(note)) return 'The note must not contain a phone number, email address or postcode: the audit trail keeps it'
  return null
}

async function submit (form: HTMLFormElement): Promise<void> {
  const id = Number(form.dataset.alert)
  const action = form.dataset.action === 'close' ? 'close' : 'acknowledge'
  const field = `alert-${id}-note`
  const note = inputValue(field)
  const view = byId('alerts-view')
  const problem = noteProblem(note, action === 'acknowledge')
  if (problem !== null) {
    showProblems(view, byId('alerts-errors'), [{ field, message: problem }])
    return
  }
  const answer = await api('POST', `/v1/alerts/${id}/${action}`, note === '' ? {} : { note })
  if (answer.status === 400 || answer.status === 404 || answer.status === 409) {
    showProblems(view, byId('alerts-errors'), [{ field: answer.status === 400 ? field : null, message: apiMessage(answer.body) }])
    return
  }
  if (answer.status !== 200) throw new Error(`alert ${action}: ${answer.status}`)
  flash(action === 'acknowledge' ? 'Alert acknowledged' : 'Alert closed', `Alert ${id} is ${action === 'acknowledge' ? 'acknowledged; close it once it is dealt with' : 'closed'}.`)
  refresh()
}

export function wireAlerts (): void {
  byId('alerts-view').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = (event.target as HTMLElement).closest<HTMLFormElement>('form[data-alert]')
    if (form !== null) submit(form).catch(failed)
  })
}
