/**
 * The mail-room page (/): one address box, Enter checks, the answer fills the screen, the box clears
 * and takes the focus again. Only three answers exist: HOLD THIS LETTER, NO BLOCK FOUND and
 * CANNOT CHECK; anything but a clear 200 allow is CANNOT CHECK, which means hold (docs/API.md, the fail-closed rule).
 * The page never shows a victim's details: the API answers a check with ids only.
 */
import { Unreachable, call, field, tokenProblem } from './lib/api.js'
import type { Answer } from './lib/api.js'
import { byId, h } from './lib/dom.js'
import { clearProblems, showProblems } from './lib/errors.js'
import type { FieldProblem } from './lib/errors.js'
import { LIMITS, hasLetterOrDigit, isPrisonerNumber } from './lib/rules.js'
import { tokenStore } from './lib/session.js'
import { wireSignIn } from './lib/sign-in.js'

const KEY = 'upc-guard.mail-room.'
const store = tokenStore(`${KEY}token`)

const view = byId('check-view')
const form = byId<HTMLFormElement>('check-form')
const summary = byId('check-errors')
const prisonerInput = byId<HTMLInputElement>('prisoner')
const recipientInput = byId<HTMLInputElement>('recipient')
const box = byId<HTMLTextAreaElement>('address')
const answerPanel = byId('answer')

interface Match { entryId: string, reference?: string, scope: string, kind: string, strength?: string }
type Verdict =
  | { kind: 'hold', matches: Match[] }
  | { kind: 'clear' }
  | { kind: 'unknown', why: string }

const SCOPE_WORDS: Record<string, string> = {
  prisoner: 'a block for this prisoner',
  establishment: 'a block for every prisoner here',
  national: 'a national block'
}

/** The running counts for this session of work, kept with the token in this tab only. */
const counts = {
  read (): { checked: number, held: number } {
    const saved = JSON.parse(sessionStorage.getItem(`${KEY}counts`) ?? '{}') as Record<string, unknown>
    const number = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : 0)
    return { checked: number(saved.checked), held: number(saved.held) }
  },
  add (held: boolean): number {
    const now = counts.read()
    const next = { checked: now.checked + 1, held: now.held + (held ? 1 : 0) }
    sessionStorage.setItem(`${KEY}counts`, JSON.stringify(next))
    counts.show()
    return next.checked
  },
  show (): void {
    const now = counts.read()
    byId('count-checked').textContent = String(now.checked)
    byId('count-held').textContent = String(now.held)
  }
}

function verdictOf (answer: Answer): Verdict {
  const decision = field(answer.body, 'decision')
  const matches = field(answer.body, 'matches')
  if (answer.status === 200 && decision === 'block' && Array.isArray(matches)) return { kind: 'hold', matches: matches as Match[] }
  if (answer.status === 200 && decision === 'allow' && Array.isArray(matches) && matches.length === 0) return { kind: 'clear' }
  if (answer.status === 503) return { kind: 'unknown', why: 'upc-guard is not ready to decide (it said: unavailable).' }
  if (answer.status === 429) return { kind: 'unknown', why: 'Too many checks were sent at once.' }
  if (answer.status === 400) return { kind: 'unknown', why: 'upc-guard could not read this address.' }
  return { kind: 'unknown', why: `upc-guard gave an unexpected answer (${answer.status}).` }
}

function render (verdict: Verdict, letter: number): void {
  const number = h('p', { class: 'answer__letter' }, `Letter ${letter}`)
  if (verdict.kind === 'hold') {
    answerPanel.className = 'answer answer--hold'
    answerPanel.replaceChildren(
      number,
      h('p', { class: 'answer__title' }, 'HOLD THIS LETTER'),
      // probable: the address is close to a blocked one (a street spelled differently, say)
      verdict.matches.every((match) => match.strength === 'probable')
        ? h('p', {}, h('strong', {}, 'Probable match: check with the SPOC.'), ' The address is close to a blocked one but may not be the same. Do not send it until the SPOC has compared them.')
        : h('p', {}, 'A block covers this letter. Do not send it.'),
      h('p', {}, 'Put it with the held post and tell the security SPOC, quoting the block reference:'),
      h('ul', {}, ...verdict.matches.map((match) =>
        h('li', {}, h('span', { class: 'mono reference' }, match.reference ?? match.entryId), ` (${SCOPE_WORDS[match.scope] ?? 'a block'}, on the ${match.kind})`)))
    )
  } else if (verdict.kind === 'clear') {
    answerPanel.className = 'answer answer--clear'
    answerPanel.replaceChildren(
      number,
      h('p', { class: 'answer__title' }, 'NO BLOCK FOUND'),
      h('p', {}, 'No block covers this address for this prisoner. The letter can go on.')
    )
  } else {
    answerPanel.className = 'answer answer--unknown'
    answerPanel.replaceChildren(
      number,
      h('p', { class: 'answer__title' }, 'CANNOT CHECK'),
      h('p', {}, h('strong', {}, 'Treat this letter as held.'), ` ${verdict.why}`),
      h('p', {}, 'Put it with the held post and try again in a minute. If this keeps happening, tell the security SPOC.')
    )
  }
}

function ready (): void {
  answerPanel.className = 'answer answer--ready'
  answerPanel.replaceChildren(
    h('p', { class: 'answer__title' }, 'Ready for the next letter'),
    h('p', {}, 'Scan or type the address on the envelope and press Enter.')
  )
}

function problemsOf (prisoner: string, recipient: string, address: string): FieldProblem[] {
  const problems: FieldProblem[] = []
  if (prisoner === '') problems.push({ field: 'prisoner', message: 'Enter the prisoner number for this batch of letters' })
  else if (!isPrisonerNumber(prisoner)) problems.push({ field: 'prisoner', message: 'Enter a prisoner number like A1234BC: one letter, four numbers, two letters' })
  if (recipient.length > LIMITS.recipient) problems.push({ field: 'recipient', message: `The name must be ${LIMITS.recipient} characters or fewer` })
  if (!hasLetterOrDigit(address)) problems.push({ field: 'address', message: 'Scan or type the address on the envelope' })
  else if (address.length > LIMITS.address) problems.push({ field: 'address', message: `The address must be ${LIMITS.address} characters or fewer` })
  return problems
}

let busy = false

async function checkLetter (): Promise<void> {
  const token = store.get()
  if (busy || token === null) return
  const prisoner = prisonerInput.value.trim().toUpperCase()
  const recipient = recipientInput.value.trim()
  const address = box.value.trim()
  const problems = problemsOf(prisoner, recipient, address)
  if (problems.length > 0) {
    showProblems(form, summary, problems)
    return
  }
  clearProblems(form, summary)
  prisonerInput.value = prisoner
  sessionStorage.setItem(`${KEY}prisoner`, prisoner)

  busy = true
  box.readOnly = true
  form.setAttribute('aria-busy', 'true')
  let verdict: Verdict
  try {
    const body = { channel: 'mail', prisoner, address, ...(recipient === '' ? {} : { recipient }) }
    const answer = await call(token, 'POST', '/v1/check', body)
    if (answer.status === 401 || answer.status === 403) {
      signIn.signedOut(`The last letter was not checked: treat it as held. ${tokenProblem(answer.status, 'check')}`)
      return
    }
    verdict = verdictOf(answer)
  } catch (err) {
    verdict = { kind: 'unknown', why: err instanceof Unreachable ? 'upc-guard could not be reached.' : 'Something went wrong in this page.' }
  } finally {
    busy = false
    box.readOnly = false
    form.removeAttribute('aria-busy')
  }
  render(verdict, counts.add(verdict.kind !== 'clear'))
  box.value = ''
  // The name is cleared for every letter, unlike the prisoner number: a name left over from the last
  // letter could let a letter to a protected person through a named block; no name is held instead.
  recipientInput.value = ''
  answerPanel.scrollIntoView({ block: 'nearest' })
  box.focus({ preventScroll: true })
}

/** Enter checks (a keyboard-wedge scanner ends each address with one); Shift+Enter adds a line. */
box.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
  event.preventDefault()
  form.requestSubmit()
})

form.addEventListener('submit', (event) => {
  event.preventDefault()
  void checkLetter()
})

byId('reset-counts').addEventListener('click', () => {
  sessionStorage.removeItem(`${KEY}counts`)
  counts.show()
  ready()
  box.focus()
})

/** GET /v1/whoami names the token's roles without checking anything or writing to the audit trail. */
async function verify (token: string): Promise<string | null> {
  const answer = await call(token, 'GET', '/v1/whoami')
  if (answer.status !== 200) return tokenProblem(answer.status, 'check')
  const roles = field(answer.body, 'roles')
  return Array.isArray(roles) && roles.includes('check') ? null : tokenProblem(403, 'check')
}

const signIn = wireSignIn({
  store,
  verify,
  onSignedIn () {
    view.hidden = false
    prisonerInput.value = sessionStorage.getItem(`${KEY}prisoner`) ?? ''
    counts.show()
    // The box takes the focus; only before the first letter of a batch does the prisoner number.
    if (prisonerInput.value === '') prisonerInput.focus()
    else box.focus()
  },
  onSignedOut (byUser) {
    view.hidden = true
    // Signing out ends the session of work; a refused token keeps the batch and counts for the next sign-in.
    if (byUser) for (const name of ['prisoner', 'recipient', 'counts']) sessionStorage.removeItem(`${KEY}${name}`)
    box.value = ''
    recipientInput.value = ''
    ready()
  }
})

signIn.start()
