/** What every SPOC view shares: the API with the tab's token, the notice banner, hash URLs. */
import { Unreachable, call, tokenProblem } from '../lib/api.js'
import type { Answer } from '../lib/api.js'
import { byId, h } from '../lib/dom.js'
import { tokenStore } from '../lib/session.js'

export const store = tokenStore('upc-guard.spoc.token')

/** Thrown after a refused token has sent the user back to sign in: the view just stops. */
export class Refused extends Error {}

let onRefused: (problem: string) => void = () => {}
export function whenRefused (handler: (problem: string) => void): void {
  onRefused = handler
}

export async function api (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const token = store.get()
  if (token === null) {
    onRefused('Sign in again to carry on.')
    throw new Refused('signed out')
  }
  const answer = await call(token, method, path, body)
  if (answer.status === 401 || answer.status === 403) {
    onRefused(tokenProblem(answer.status, 'admin'))
    throw new Refused('token refused')
  }
  return answer
}

let onRefresh: () => void = () => {}
/** Shows the current view again (after a change made from it). */
export function refresh (): void {
  onRefresh()
}
export function whenRefresh (handler: () => void): void {
  onRefresh = handler
}

/** `?a=1&b=2` from the values that are set. */
export function query (values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

const notice = () => byId('notice')
let pending: { kind: 'success' | 'error', title: string, text: string } | null = null

/** A success banner for the next view shown (after a lift or an add), GOV.UK notification style. */
export function flash (title: string, text: string): void {
  pending = { kind: 'success', title, text }
}

export function clearNotice (): void {
  notice().hidden = true
  notice().replaceChildren()
}

/** Shows the flashed banner, if any; true when it took the focus. */
export function showFlash (): boolean {
  if (pending === null) return false
  const { kind, title, text } = pending
  pending = null
  showNotice(kind, title, text)
  return true
}

export function showNotice (kind: 'success' | 'error', title: string, text: string): void {
  const element = notice()
  element.className = kind === 'success' ? 'banner banner--success' : 'error-summary'
  element.setAttribute('role', 'alert')
  element.replaceChildren(
    kind === 'success'
      ? h('div', {}, h('h2', { class: 'banner__title' }, 'Success'), h('div', { class: 'banner__content' }, h('p', { class: 'heading-m' }, title), h('p', {}, text)))
      : h('div', {}, h('h2', {}, title), h('p', {}, text))
  )
  element.hidden = false
  element.focus()
}

/** What a view says when the API could not be reached or gave an unexpected answer. */
export function failed (err: unknown): void {
  if (err instanceof Refused) return
  const text = err instanceof Unreachable
    ? 'upc-guard could not be reached. Check the connection and try again.'
    : 'upc-guard gave an answer this page did not expect. Try again; if it happens again, tell the system administrator.'
  showNotice('error', 'There is a problem', text)
}
