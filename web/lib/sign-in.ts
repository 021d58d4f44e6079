import { Unreachable } from './api.js'
import { byId } from './dom.js'
import { clearProblems, showProblems } from './errors.js'
import type { TokenStore } from './session.js'

export interface SignInOptions {
  store: TokenStore
  /** asks the API whether the token may do this page's work: null when it may, else why not */
  verify: (token: string) => Promise<string | null>
  onSignedIn: () => void
  /** byUser: the sign-out button, not a refused token (which keeps the work in hand) */
  onSignedOut: (byUser: boolean) => void
}

/**
 * The sign-in form and the sign-out button, the same on both pages: #sign-in-view, #sign-in-form,
 * #token, #sign-in-errors, #sign-out.
 */
export function wireSignIn (options: SignInOptions) {
  const view = byId('sign-in-view')
  const form = byId<HTMLFormElement>('sign-in-form')
  const input = byId<HTMLInputElement>('token')
  const summary = byId('sign-in-errors')
  const signOutButton = byId<HTMLButtonElement>('sign-out')

  function signedOut (problem?: string, byUser = false): void {
    options.store.clear()
    signOutButton.hidden = true
    view.hidden = false
    options.onSignedOut(byUser)
    input.value = ''
    if (problem === undefined) {
      clearProblems(form, summary)
      input.focus()
    } else {
      showProblems(form, summary, [{ field: 'token', message: problem }])
    }
  }

  function signedIn (): void {
    clearProblems(form, summary)
    view.hidden = true
    signOutButton.hidden = false
    options.onSignedIn()
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const token = input.value.trim()
    if (token === '') {
      showProblems(form, summary, [{ field: 'token', message: 'Enter your token' }])
      return
    }
    options.verify(token).then((problem) => {
      if (problem !== null) {
        showProblems(form, summary, [{ field: 'token', message: problem }])
        return
      }
      options.store.set(token)
      input.value = ''
      signedIn()
    }, (err: unknown) => {
      const message = err instanceof Unreachable
        ? 'upc-guard could not be reached. Check the connection and try again.'
        : 'Something went wrong while signing in. Try again.'
      showProblems(form, summary, [{ field: 'token', message }])
    })
  })

  signOutButton.addEventListener('click', () => signedOut(undefined, true))

  return {
    /** on load: signed in when this tab already holds a token */
    start (): void {
      if (options.store.get() === null) signedOut()
      else signedIn()
    },
    signedOut
  }
}
