/**
 * The repeatable contact-detail fields of the add form (GOV.UK "add another" pattern): each list
 * starts with one field, "Add another" appends one and moves the focus to it, "Remove" takes one
 * away. Ids come from a counter and never change, so that a warning finds its field again.
 */
import { byId, h } from '../lib/dom.js'
import { LIMITS } from '../lib/rules.js'

export type ListName = 'phones' | 'emails' | 'addresses'
export const LISTS: ListName[] = ['phones', 'emails', 'addresses']

const NOUN: Record<ListName, string> = { phones: 'Phone number', emails: 'Email address', addresses: 'Address' }
const MOST: Record<ListName, number> = { phones: LIMITS.phones, emails: LIMITS.emails, addresses: LIMITS.addresses }
let counter = 0

/** How the SPOC types the postal addresses (not the API's addressMode, which says which letters are held). */
export type AddressFormat = 'text' | 'lines'

export function addressFormat (): AddressFormat {
  return byId<HTMLInputElement>('add-address-format-lines').checked ? 'lines' : 'text'
}

/** The field ids of one list, in the order shown. */
export function fieldIds (list: ListName): string[] {
  return [...byId(`add-${list}`).children].map((item) => (item as HTMLElement).dataset.field ?? '')
}

function control (list: ListName, id: string): HTMLElement {
  if (list === 'addresses') {
    return h('div', {},
      h('label', { class: 'label', for: id }, ''),
      h('textarea', { class: 'textarea input--w30', id, rows: '4', autocomplete: 'off', spellcheck: 'false' }),
      h('div', { class: 'postcode', 'data-postcode': '' },
        h('label', { class: 'label', for: `${id}-postcode` }, ''),
        h('input', { class: 'input input--w10', id: `${id}-postcode`, type: 'text', autocomplete: 'off', spellcheck: 'false' })))
  }
  const type = list === 'emails' ? 'email' : 'tel'
  return h('div', {},
    h('label', { class: 'label', for: id }, ''),
    h('input', { class: 'input input--w20', id, type, autocomplete: 'off', spellcheck: 'false' }))
}

/** "Phone number 2": what messages call the field with this id. */
export function nameOf (list: ListName, id: string): string {
  return `${NOUN[list]} ${fieldIds(list).indexOf(id) + 1}`
}

/** Labels say the position ("Phone number 2"), and the address fields follow the address mode. */
export function relabel (list: ListName): void {
  const items = [...byId(`add-${list}`).children] as HTMLElement[]
  const lines = addressFormat() === 'lines'
  items.forEach((item, position) => {
    const name = `${NOUN[list]} ${position + 1}`
    const labels = item.querySelectorAll('label')
    const main = labels[0]
    if (main !== undefined) main.textContent = list === 'addresses' && lines ? `${name}: lines, without the postcode` : name
    const postcode = labels[1]
    if (postcode !== undefined) postcode.textContent = `${name}: postcode`
    const postcodeField = item.querySelector<HTMLElement>('[data-postcode]')
    if (postcodeField !== null) postcodeField.hidden = !lines
    const remove = item.querySelector('button')
    if (remove !== null) remove.replaceChildren('Remove', h('span', { class: 'visually-hidden' }, ` ${name.toLowerCase()}`))
  })
  byId(`add-${list}-more`).hidden = items.length >= MOST[list]
}

export function addItem (list: ListName, focus: boolean): void {
  const id = `add-${list}-${counter++}`
  const container = byId(`add-${list}`)
  const item = h('div', { class: 'form-group list-item', 'data-field': id }, control(list, id))
  if (container.children.length > 0) {
    const remove = h('button', { type: 'button', class: 'button button--secondary' }, 'Remove')
    remove.addEventListener('click', () => {
      const next = item.nextElementSibling ?? item.previousElementSibling
      item.remove()
      relabel(list)
      next?.querySelector<HTMLElement>('input, textarea')?.focus()
    })
    item.append(remove)
  }
  container.append(item)
  relabel(list)
  if (focus) byId(id).focus()
}

/** Back to one empty field in each list. */
export function resetLists (): void {
  for (const list of LISTS) {
    byId(`add-${list}`).replaceChildren()
    addItem(list, false)
  }
}

export function wireLists (): void {
  for (const list of LISTS) {
    byId(`add-${list}-more`).addEventListener('click', () => addItem(list, true))
  }
  for (const radio of document.querySelectorAll('input[name="addressFormat"]')) {
    radio.addEventListener('change', () => relabel('addresses'))
  }
  resetLists()
}
