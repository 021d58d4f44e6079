import { h } from './dom.js'

/** One problem with one field: `field` is the id of the control the summary links to. */
export interface FieldProblem { field: string | null, message: string }

function groupOf (control: HTMLElement): HTMLElement | null {
  return control.closest<HTMLElement>('.form-group')
}

function describe (control: HTMLElement, id: string, add: boolean): void {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x !== '' && x !== id)
  if (add) ids.unshift(id)
  if (ids.length === 0) control.removeAttribute('aria-describedby')
  else control.setAttribute('aria-describedby', ids.join(' '))
}

/** Removes every inline error and the summary (GOV.UK error summary pattern). */
export function clearProblems (form: HTMLElement, summary: HTMLElement): void {
  summary.hidden = true
  summary.replaceChildren()
  for (const message of form.querySelectorAll('.error-message')) message.remove()
  for (const group of form.querySelectorAll('.form-group--error')) group.classList.remove('form-group--error')
  for (const control of form.querySelectorAll<HTMLElement>('[aria-invalid]')) {
    control.removeAttribute('aria-invalid')
    describe(control, `${control.id}-error`, false)
  }
}

/**
 * The summary at the top, each problem a link to its field, and the same words above the field.
 * Focus moves to the summary, so a screen reader hears it and a keyboard user tabs into the links.
 */
export function showProblems (form: HTMLElement, summary: HTMLElement, problems: FieldProblem[]): void {
  clearProblems(form, summary)
  if (problems.length === 0) return
  const items = inPageOrder(problems).map((problem) => {
    const target = problem.field === null ? null : document.getElementById(problem.field)
    if (target === null) return h('li', {}, problem.message)
    const link = h('a', { href: `#${target.id}` }, problem.message)
    link.addEventListener('click', (event) => {
      event.preventDefault()
      target.focus()
      ;(target.closest('.form-group')?.querySelector('label, legend') ?? target).scrollIntoView()
    })
    markField(target, problem.message)
    return h('li', {}, link)
  })
  summary.append(h('h2', {}, 'There is a problem'), h('ul', {}, ...items))
  summary.hidden = false
  summary.focus()
}

/** The summary lists problems in the order of their fields on the page (GOV.UK); those without a field first. */
function inPageOrder (problems: FieldProblem[]): FieldProblem[] {
  const at = (problem: FieldProblem) => (problem.field === null ? null : document.getElementById(problem.field))
  return [...problems].sort((a, b) => {
    const [x, y] = [at(a), at(b)]
    if (x === null || y === null || x === y) return (x === null ? 0 : 1) - (y === null ? 0 : 1)
    return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1
  })
}

function markField (control: HTMLElement, message: string): void {
  const group = groupOf(control)
  const id = `${control.id}-error`
  if (document.getElementById(id) !== null) return
  const text = h('p', { class: 'error-message', id }, h('span', { class: 'visually-hidden' }, 'Error: '), message)
  control.setAttribute('aria-invalid', 'true')
  describe(control, id, true)
  if (group === null) {
    control.before(text)
    return
  }
  group.classList.add('form-group--error')
  // Above the control, below its label and hint (GOV.UK); for a fieldset, below the legend.
  const anchor = group.querySelector(':scope > .hint, :scope > fieldset > .hint') ?? group.querySelector('label, legend')
  if (anchor !== null) anchor.after(text)
  else group.prepend(text)
}

/** A warning from the API beside its field: the detail was kept, but something needs a look. */
export function showWarning (controlId: string, message: string): boolean {
  const control = document.getElementById(controlId)
  if (control === null) return false
  const id = `${controlId}-warning`
  document.getElementById(id)?.remove()
  control.after(h('p', { class: 'warning-message', id }, h('span', { class: 'visually-hidden' }, 'Warning: '), message))
  describe(control, id, true)
  return true
}
