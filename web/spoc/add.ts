/**
 * Add a block: the page checks what the API checks (the same schema constants and free-text rule,
 * web/lib/rules.ts), so that the error summary says it before the request; the API's warnings on a
 * detail it could not read come back after the block is saved and are shown beside that field.
 */
import { apiMessage } from '../lib/api.js'
import { byId, checkedValue, h, inputValue } from '../lib/dom.js'
import { clearProblems, showProblems, showWarning } from '../lib/errors.js'
import type { FieldProblem } from '../lib/errors.js'
import { LIMITS, hasDigit, hasLetterOrDigit, holdsContactDetail, isPrisonerNumber, isRequestRef, namesAPerson } from '../lib/rules.js'
import { LISTS, addressFormat, fieldIds, nameOf, resetLists, wireLists } from './add-lists.js'
import type { ListName } from './add-lists.js'
import { api, flash, showNotice } from './context.js'
import { entryName, when } from './format.js'
import type { Entry } from './format.js'

const form = () => byId<HTMLFormElement>('add-form')
const summary = () => byId('add-errors')

interface Draft {
  body: Record<string, unknown>
  /** the field id of each detail sent, by its position in the body, to place the API's warnings */
  sent: Record<ListName, string[]>
  problems: FieldProblem[]
}

/** GOV.UK date input: day, month and year, all or none; a real date; its midnight, local time. */
function readDate (prefix: string, label: string, problems: FieldProblem[]): Date | null {
  const ids = [prefix, `${prefix}-month`, `${prefix}-year`]
  const [day = '', month = '', year = ''] = ids.map((id) => inputValue(id))
  if (day === '' && month === '' && year === '') return null
  const missing = ids.find((_id, i) => [day, month, year][i] === '')
  if (missing !== undefined) {
    problems.push({ field: missing, message: `${label} must include a day, a month and a year` })
    return null
  }
  const date = new Date(Number(year), Number(month) - 1, Number(day))
  const real = /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && /^\d{4}$/.test(year) &&
    date.getFullYear() === Number(year) && date.getMonth() === Number(month) - 1 && date.getDate() === Number(day)
  if (!real) {
    problems.push({ field: prefix, message: `${label} must be a real date, for example 27 3 2026` })
    return null
  }
  return date
}

function collectDetails (draft: Draft): void {
  const body: Record<ListName, unknown[]> = { phones: [], emails: [], addresses: [] }
  const { problems, sent } = draft
  for (const id of fieldIds('phones')) {
    const value = inputValue(id)
    if (value === '') continue
    if (!hasDigit(value)) problems.push({ field: id, message: `${nameOf('phones', id)} must contain numbers` })
    else if (value.length > LIMITS.phone) problems.push({ field: id, message: `${nameOf('phones', id)} must be ${LIMITS.phone} characters or fewer` })
    body.phones.push(value)
    sent.phones.push(id)
  }
  for (const id of fieldIds('emails')) {
    const value = inputValue(id)
    if (value === '') continue
    if (value.length > LIMITS.email) problems.push({ field: id, message: `${nameOf('emails', id)} must be ${LIMITS.email} characters or fewer` })
    body.emails.push(value)
    sent.emails.push(id)
  }
  const lines = addressFormat() === 'lines'
  for (const id of fieldIds('addresses')) {
    const name = nameOf('addresses', id)
    const text = byId<HTMLTextAreaElement>(id).value.trim()
    const postcode = lines ? inputValue(`${id}-postcode`) : ''
    if (text === '' && postcode === '') continue
    if (!hasLetterOrDigit(text)) {
      problems.push({ field: id, message: lines ? `Enter the lines of ${name.toLowerCase()}` : `${name} must contain letters or numbers` })
    } else if (!lines && text.length > LIMITS.address) {
      problems.push({ field: id, message: `${name} must be ${LIMITS.address} characters or fewer` })
    }
    if (lines) {
      const split = text.split('\n').map((line) => line.trim()).filter((line) => line !== '')
      if (split.length > LIMITS.addressLines) problems.push({ field: id, message: `${name} must have ${LIMITS.addressLines} lines or fewer` })
      if (split.some((line) => line.length > LIMITS.addressLine)) problems.push({ field: id, message: `Each line of ${name.toLowerCase()} must be ${LIMITS.addressLine} characters or fewer` })
      if (postcode.length > LIMITS.postcode) problems.push({ field: `${id}-postcode`, message: `The postcode of ${name.toLowerCase()} must be ${LIMITS.postcode} characters or fewer` })
      body.addresses.push(postcode === '' ? { lines: split } : { lines: split, postcode })
    } else {
      body.addresses.push(text)
    }
    sent.addresses.push(id)
  }
  if (body.phones.length + body.emails.length + body.addresses.length === 0) {
    problems.push({ field: fieldIds('phones')[0] ?? null, message: 'Enter at least one phone number, email address or postal address' })
  }
  for (const list of LISTS) if (body[list].length > 0) draft.body[list] = body[list]
}

function collect (): Draft {
  const draft: Draft = { body: {}, sent: { phones: [], emails: [], addresses: [] }, problems: [] }
  const { body, problems } = draft
  const scope = checkedValue('scope')
  if (scope === null) problems.push({ field: 'add-scope', message: 'Select who the block applies to' })
  else body.scope = scope
  const prisoner = inputValue('add-prisoner').toUpperCase()
  if (prisoner === '' && scope === 'prisoner') problems.push({ field: 'add-prisoner', message: 'Enter the prisoner number: a block for one prisoner needs it' })
  else if (prisoner !== '' && !isPrisonerNumber(prisoner)) problems.push({ field: 'add-prisoner', message: 'Enter a prisoner number like A1234BC: one letter, four numbers, two letters' })
  if (prisoner !== '') body.prisoner = prisoner
  const person = inputValue('add-person')
  if (person.length > LIMITS.protectedPerson) problems.push({ field: 'add-person', message: `The name must be ${LIMITS.protectedPerson} characters or fewer` })
  if (person !== '') body.protectedPerson = person

  collectDetails(draft)
  const phones = (body.phones ?? []) as string[]

  // Named: only letters to the protected person are held at these addresses (the API's rules, in order).
  const mode = checkedValue('addressMode') === 'named' ? 'named' : 'whole'
  body.addressMode = mode
  if (mode === 'named') {
    if (person === '') {
      problems.push({ field: 'add-person', message: 'Enter the name of the protected person: blocking only mail addressed to them needs it' })
    } else if (person.length <= LIMITS.protectedPerson && !namesAPerson(person)) {
      problems.push({ field: 'add-person', message: 'Enter the protected person’s name, for example Jane Doe: a title or words like “The Occupier” on their own do not name anyone' })
    }
    if (draft.sent.addresses.length === 0) {
      problems.push({ field: fieldIds('addresses')[0] ?? 'add-address-mode-named', message: 'Enter a postal address, or choose to block all mail: blocking only mail addressed to the protected person needs at least one address' })
    }
  }

  const consent = checkedValue('consent')
  if (consent === 'yes' || consent === 'no') body.consent = consent === 'yes'
  const reason = inputValue('add-reason')
  if (reason === '') problems.push({ field: 'add-reason', message: 'Enter the reason for the block' })
  else if (reason.length > LIMITS.reason) problems.push({ field: 'add-reason', message: `The reason must be ${LIMITS.reason} characters or fewer` })
  else if (holdsContactDetail(reason, phones)) problems.push({ field: 'add-reason', message: 'The reason must not contain a phone number, email address or postcode: the audit trail keeps it' })
  body.reason = reason
  const ref = inputValue('add-ref')
  if (ref !== '' && !isRequestRef(ref)) problems.push({ field: 'add-ref', message: 'Enter a request reference of up to 64 letters, numbers, hyphens, slashes and underscores' })
  else if (ref !== '' && holdsContactDetail(ref, phones)) problems.push({ field: 'add-ref', message: 'The request reference must not contain a phone number, email address or postcode' })
  if (ref !== '') body.requestRef = ref

  const from = readDate('add-from', 'The start date', problems)
  const to = readDate('add-to', 'The end date', problems)
  // The end date is the last day of the block: it stops at the midnight that ends that day.
  const end = to === null ? null : new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1)
  if (end !== null && end.getTime() <= Date.now()) problems.push({ field: 'add-to', message: 'The end date must be today or in the future' })
  else if (end !== null && from !== null && to !== null && to < from) problems.push({ field: 'add-to', message: 'The end date must be the same as or after the start date' })
  if (from !== null) body.effectiveFrom = from.toISOString()
  if (end !== null) body.expiresAt = end.toISOString()
  return draft
}

const API_FIELDS: Record<string, string> = {
  scope: 'add-scope',
  prisoner: 'add-prisoner',
  establishment: 'add-scope',
  protectedPerson: 'add-person',
  addressMode: 'add-address-mode',
  reason: 'add-reason',
  requestRef: 'add-ref',
  consent: 'add-consent',
  effectiveFrom: 'add-from',
  expiresAt: 'add-to'
}

/** The field an API message or warning is about: "phones[1] ...", "body/reason ...", "prisoner is ...". */
function fieldFor (text: string, sent: Draft['sent']): { id: string | null, list: ListName | null } {
  const match = /^(?:body\/)?([A-Za-z]+)(?:\[(\d+)\]|\/(\d+))?/.exec(text)
  const name = match?.[1] ?? ''
  const list = LISTS.find((candidate) => candidate === name) ?? null
  if (list !== null) return { id: sent[list][Number(match?.[2] ?? match?.[3] ?? 0)] ?? null, list }
  return { id: API_FIELDS[name] ?? null, list: null }
}

let saved = false

/** After a save with warnings: the form stays, read-only, so each warning sits beside its field. */
function lock (entry: Entry): void {
  saved = true
  for (const control of form().querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
    if (control.type === 'radio') control.disabled = true
    else control.readOnly = true
  }
  for (const button of form().querySelectorAll('button')) button.hidden = true
  const again = h('button', { type: 'button', class: 'button button--secondary', id: 'add-again' }, 'Add another block')
  again.addEventListener('click', () => {
    resetForm()
    byId('add-heading').focus()
  })
  byId('add-buttons').append(h('a', { href: `#/entries/${entry.id}`, class: 'button', id: 'add-view-entry' }, 'View the block'), again)
}

function resetForm (): void {
  saved = false
  form().reset()
  clearProblems(form(), summary())
  for (const control of form().querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
    control.disabled = false
    control.readOnly = false
  }
  for (const button of form().querySelectorAll('button')) button.hidden = false
  document.getElementById('add-view-entry')?.remove()
  document.getElementById('add-again')?.remove()
  resetLists()
}

async function submit (): Promise<void> {
  if (saved) return
  const draft = collect()
  if (draft.problems.length > 0) {
    showProblems(form(), summary(), draft.problems)
    return
  }
  clearProblems(form(), summary())
  const button = byId<HTMLButtonElement>('add-submit')
  button.disabled = true
  try {
    const answer = await api('POST', '/v1/entries', draft.body)
    if (answer.status === 400) {
      const message = apiMessage(answer.body)
      showProblems(form(), summary(), [{ field: fieldFor(message, draft.sent).id, message: `upc-guard did not accept this: ${message}` }])
      return
    }
    if (answer.status !== 201) throw new Error(`add: ${answer.status}`)
    const entry = answer.body as Entry
    const starts = entry.effectiveFrom !== null && Date.parse(entry.effectiveFrom) > Date.now() ? `It starts on ${when(entry.effectiveFrom)}.` : 'It is in force now.'
    if (entry.warnings.length === 0) {
      flash('Block added', `${entryName(entry)}: ${starts}`)
      resetForm()
      location.hash = `#/entries/${entry.id}`
      return
    }
    for (const warning of entry.warnings) {
      const { id, list } = fieldFor(warning.field, draft.sent)
      const words = warning.message.replace(/^\S+\s/, '')
      if (id !== null) showWarning(id, `${list === null ? '' : nameOf(list, id)} ${words}. Check it was typed as given.`)
    }
    lock(entry)
    showNotice('success', 'Block added, with warnings',
      `${entryName(entry)}: ${starts} ${entry.warnings.length === 1 ? 'One detail' : `${entry.warnings.length} details`} could not be read as written and ` +
      `${entry.warnings.length === 1 ? 'is' : 'are'} blocked by exact text: see the warning beside each below.`)
  } finally {
    button.disabled = false
  }
}

export function wireAdd (onFailure: (err: unknown) => void): void {
  wireLists()
  form().addEventListener('submit', (event) => {
    event.preventDefault()
    submit().catch(onFailure)
  })
}

/** Coming back to the form after a save starts a new one; a draft in progress is kept. */
export async function showAdd (): Promise<void> {
  if (saved) resetForm()
}
