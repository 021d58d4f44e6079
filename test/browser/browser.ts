/**
 * Shared by the browser tests: Debian's chromium driven by playwright-core, against a real daemon
 * listening on a real loopback port. No browser download, no network beyond loopback.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import type { Test } from 'tap'
import { TOKENS, buildTestApp } from '../helper.js'
import type { TestAppOptions } from '../helper.js'

export const CHROMIUM = '/usr/bin/chromium'

/** `{ skip }` for every browser test: a clear reason instead of a failure where chromium is missing. */
export const SKIP = existsSync(CHROMIUM)
  ? false
  : `Debian's chromium is not installed at ${CHROMIUM}, so the browser tests cannot run (apt-get install -y chromium)`

/** Git-ignored; the pictures in docs/ (README, docs/PAGES.md) are copies of two of these. */
export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url))

// Without the background-networking flags chromium keeps calling Google's hosts, which this
// sandbox (and CI) refuses; the rest are the flags every headless CI run of chromium uses.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** A daemon built by the test helper, listening on a free loopback port; dir holds its database. */
export async function startDaemon (t: Test, options: TestAppOptions = {}) {
  const { app, dir } = await buildTestApp(t, options)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { app, dir, base: `http://127.0.0.1:${port}` }
}

/** Chromium with a fresh, empty profile folder, closed (and the folder removed) when the test ends. */
export async function launch (t: Test): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'upc-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 }
  })
  // A page that does not answer in 5 seconds has failed; no test should wait the default 30.
  context.setDefaultTimeout(5000)
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  return context
}

const problemsOf = new WeakMap<Page, string[]>()

/**
 * A new tab that records what must never happen: a script error, or anything the
 * Content-Security-Policy refused (an inline script or style would show up here).
 */
export async function openPage (context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage()
  const problems: string[] = []
  problemsOf.set(page, problems)
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`)
  })
  await page.goto(url)
  return page
}

/** Call at the end of a test: no script error and no CSP violation happened in this tab. */
export function noPageProblems (t: Test, page: Page, label: string): void {
  t.same(problemsOf.get(page), [], `no script error or CSP violation on ${label}`)
}

export async function signIn (page: Page, token: string): Promise<void> {
  await page.getByLabel(/token/i).fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Waits for the sign-in error summary to say this, and returns all it says. */
export async function signInError (page: Page, words: RegExp): Promise<string> {
  const summary = page.locator('#sign-in-errors', { hasText: words })
  await summary.waitFor()
  return summary.innerText()
}

export { TOKENS }

interface Violation { id: string, impact: string | null, help: string, targets: string[] }

/** axe-core, injected into the page as it is; every rule for WCAG 2.0-2.2 A and AA and best practice. */
export async function axe (t: Test, page: Page, label: string): Promise<void> {
  await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(`axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }
    }).then((result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((node) => node.target.join(' '))
    })))`) as Violation[]
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  for (const v of violations.filter((v) => !serious.includes(v))) t.comment(`axe (${v.impact}) ${label}: ${v.id} ${v.help} ${v.targets.join(', ')}`)
  t.same(serious, [], `axe: no serious or critical violation on ${label}`)
}

/** A PNG in screenshots/ (git-ignored), of the whole page or only of what the window shows. */
export async function screenshot (page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage })
}

/** The id (or else the accessible text) of the focused element. */
export async function focused (page: Page): Promise<string> {
  return page.evaluate('(() => { const e = document.activeElement; return e ? (e.id || e.textContent || e.tagName).trim() : "" })()') as Promise<string>
}

/**
 * Waits (up to 2 s) for the element with this id to have the focus. Polled from here: Playwright's
 * waitForFunction polls by evaluating a string inside the page, which the pages' CSP refuses.
 */
export async function hasFocus (page: Page, id: string): Promise<boolean> {
  for (let waited = 0; waited < 2000; waited += 50) {
    if (await focused(page) === id) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

/** Does `action` (a click that changes the SPOC page's view) and waits until that view is shown. */
export async function viewChange (page: Page, action: () => Promise<void>): Promise<void> {
  const before = await page.locator('#main').getAttribute('data-shown') ?? '0'
  await action()
  await page.locator(`#main:not([data-shown="${before}"]):not([aria-busy])`).waitFor()
}

/** Presses Tab until `target` (an id or a text) has the focus; fails when it is not reachable. */
export async function tabTo (t: Test, page: Page, target: string, most = 60): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (await focused(page) === target) return
    await page.keyboard.press('Tab')
  }
  t.fail(`${target} is not reachable with Tab`)
}

/** The focus can always be seen: an outline or a box shadow on the focused element. */
export async function focusIsVisible (page: Page): Promise<boolean> {
  return page.evaluate(`(() => {
    const s = getComputedStyle(document.activeElement)
    return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px' && s.outlineColor !== 'rgba(0, 0, 0, 0)') || s.boxShadow !== 'none'
  })()`) as Promise<boolean>
}

/** No sideways scrolling at this width (WCAG 1.4.10 reflow at 320 CSS pixels). */
export async function fitsWidth (page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth <= window.innerWidth') as Promise<boolean>
}
