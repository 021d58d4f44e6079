/** A few DOM helpers: pages are built with elements and text, never with HTML strings. */
export type Child = Node | string | null | undefined | false

export function h<K extends keyof HTMLElementTagNameMap> (
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue
    element.setAttribute(name, value === true ? '' : value)
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child)
  }
  return element
}

export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} is missing from the page`)
  return element as T
}

export function inputValue (id: string): string {
  return byId<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value.trim()
}

export function checkedValue (name: string): string | null {
  const checked = document.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)
  return checked === null ? null : checked.value
}

/**
 * "23 November 2026 at 18:21" (or "23 Nov 2026, 18:21" when short, for tables) in the browser's
 * own time zone.
 */
export function formatTime (iso: string | null | undefined, short = false): string {
  if (iso === null || iso === undefined) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString('en-GB', { day: 'numeric', month: short ? 'short' : 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' })
}
