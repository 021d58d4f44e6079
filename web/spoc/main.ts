/**
 * The SPOC page (/spoc): sign in with an admin token, then views chosen by the URL's hash, so
 * that the browser's back button and bookmarks work: #/entries, #/entries/ID, #/add, #/audit,
 * #/requests, #/requests/ID, #/alerts. The header counts the open alerts on every view.
 */
import { call, tokenProblem } from '../lib/api.js'
import { byId } from '../lib/dom.js'
import { wireSignIn } from '../lib/sign-in.js'
import { showAdd, wireAdd } from './add.js'
import { showAlertCount, showAlerts, wireAlerts } from './alerts.js'
import { showAudit, wireAudit } from './audit.js'
import { clearNotice, failed, showFlash, store, whenRefresh, whenRefused } from './context.js'
import { showEntry, wireEntry } from './entry.js'
import { wireHeld } from './held.js'
import { showList, wireList } from './list.js'
import { showRequest, showRequests, wireRequests } from './requests.js'

interface View { id: string, heading: string, nav: string | null, title: string, show: () => Promise<void> }

const VIEWS = ['list-view', 'entry-view', 'add-view', 'audit-view', 'requests-view', 'request-view', 'alerts-view']

function viewFor (hash: string): View {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?')
  const params = new URLSearchParams(search)
  const entry = /^\/entries\/([^/]+)$/.exec(path)
  if (entry !== null) return { id: 'entry-view', heading: 'entry-heading', nav: null, title: 'Block', show: () => showEntry(entry[1] ?? '') }
  const request = /^\/requests\/([^/]+)$/.exec(path)
  if (request !== null) return { id: 'request-view', heading: 'request-heading', nav: 'requests', title: 'Request', show: () => showRequest(request[1] ?? '') }
  if (path === '/requests') return { id: 'requests-view', heading: 'requests-heading', nav: 'requests', title: 'Requests', show: () => showRequests(params) }
  if (path === '/add') return { id: 'add-view', heading: 'add-heading', nav: 'add', title: 'Add a block', show: showAdd }
  if (path === '/alerts') return { id: 'alerts-view', heading: 'alerts-heading', nav: 'alerts', title: 'Alerts', show: showAlerts }
  if (path === '/audit') return { id: 'audit-view', heading: 'audit-heading', nav: 'audit', title: 'Audit trail', show: () => showAudit(params) }
  return { id: 'list-view', heading: 'list-heading', nav: 'list', title: 'Blocks', show: () => showList(params) }
}

let signedIn = false
let shown: string | null = null

async function route (): Promise<void> {
  if (!signedIn) return
  const view = viewFor(location.hash)
  for (const id of VIEWS) byId(id).hidden = id !== view.id
  for (const link of document.querySelectorAll<HTMLElement>('#nav a')) {
    if (link.dataset.view === view.nav) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  document.title = `${view.title} – Security SPOC – upc-guard`
  clearNotice()
  const changed = view.id !== shown
  shown = view.id
  const main = byId('main')
  main.setAttribute('aria-busy', 'true')
  try {
    await Promise.all([view.show(), showAlertCount()])
  } catch (err) {
    failed(err)
    return
  } finally {
    main.removeAttribute('aria-busy')
    // How many views have been shown: lets a test wait for this one (test/browser/browser.ts).
    main.dataset.shown = String(Number(main.dataset.shown ?? '0') + 1)
  }
  if (showFlash()) return
  // A new view: the focus goes to its heading (GOV.UK advice for pages that change in place).
  // The same view again (filters, pages): the focus stays, unless its link went away.
  const lost = document.activeElement === null || document.activeElement === document.body
  if (changed || lost) byId(view.heading).focus()
}

/** An admin token can list entries; any other answer says what is wrong with it. */
async function verify (token: string): Promise<string | null> {
  const answer = await call(token, 'GET', '/v1/entries?limit=1')
  return answer.status === 200 ? null : tokenProblem(answer.status, 'admin')
}

const signIn = wireSignIn({
  store,
  verify,
  onSignedIn () {
    signedIn = true
    byId('nav').hidden = false
    if (location.hash === '') history.replaceState(null, '', '#/entries')
    void route()
  },
  onSignedOut () {
    signedIn = false
    shown = null
    byId('nav').hidden = true
    for (const id of VIEWS) byId(id).hidden = true
    clearNotice()
    document.title = 'Sign in – Security SPOC – upc-guard'
  }
})

whenRefused((problem) => signIn.signedOut(problem))
whenRefresh(() => { void route() })
wireList()
wireEntry()
wireAdd(failed)
wireAudit()
wireHeld()
wireRequests()
wireAlerts()
window.addEventListener('hashchange', () => { void route() })
signIn.start()
