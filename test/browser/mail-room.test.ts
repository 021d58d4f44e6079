import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { auth, entryBody, tempDir } from '../helper.js'
import { SKIP, TOKENS, axe, fitsWidth, focused, launch, noPageProblems, openPage, screenshot, signIn, signInError, startDaemon } from './browser.js'

const answer = (page: Page) => page.locator('#answer')

/**
 * Types an address the way a scanner does: lines joined by Shift+Enter, then Enter; then waits for
 * the answer to this letter (the count goes up), unless the letter is not expected to be counted.
 */
async function scan (page: Page, lines: string[], counted = true): Promise<void> {
  const before = Number(await page.locator('#count-checked').innerText())
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.keyboard.press('Shift+Enter')
    await page.keyboard.type(line)
  }
  await page.keyboard.press('Enter')
  if (counted) await page.locator('#answer', { hasText: `Letter ${before + 1}` }).waitFor()
}

t.test('the mail-room page in a real browser', { skip: SKIP }, async (t) => {
  const { app, base } = await startDaemon(t)
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal(created.statusCode, 201)
  const entryId = created.json().id as string
  const reference = created.json().reference as string
  const context = await launch(t)
  const page = await openPage(context, `${base}/`)

  await t.test('sign in: a wrong token and a token without the check role are refused in plain words', async (t) => {
    t.equal(await focused(page), 'token', 'the token field has the focus')
    await axe(t, page, 'mail-room sign-in')
    await signIn(page, 'not-a-real-token-at-all')
    t.match(await signInError(page, /not accepted/), /There is a problem[\s\S]*not accepted[\s\S]*expired/)
    t.equal(await focused(page), 'sign-in-errors', 'the error summary takes the focus')
    await axe(t, page, 'mail-room sign-in with an error')
    await signIn(page, TOKENS.admin)
    t.ok(await signInError(page, /needs the check role/), 'a token without the check role')
    await signIn(page, TOKENS.check)
    await page.locator('#check-view').waitFor()
    t.equal(await focused(page), 'prisoner', 'before the first letter of a batch, the prisoner number has the focus')
    t.equal(await page.evaluate('sessionStorage.getItem("upc-guard.mail-room.token")'), TOKENS.check, 'the token is in sessionStorage')
    t.equal(await page.evaluate('localStorage.length'), 0, 'and not in localStorage')
    t.equal(await page.evaluate('document.cookie'), '', 'nor in a cookie')
  })

  await t.test('three letters in a row with Enter: blocked, allowed, and a disguised form of the blocked address', async (t) => {
    await page.keyboard.type('a1234bc')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    t.equal(await focused(page), 'address')

    await page.keyboard.type('Flat 2')
    await page.keyboard.press('Shift+Enter')
    t.equal(await page.locator('#address').inputValue(), 'Flat 2\n', 'Shift+Enter adds a line and does not check')
    await page.keyboard.type('14 Acacia Avenue')
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type('Leeds LS1 4AP')
    await page.keyboard.press('Enter')
    await page.locator('#answer.answer--hold').waitFor()
    t.match(await answer(page).innerText(), /Letter 1[\s\S]*HOLD THIS LETTER[\s\S]*Do not send it/)
    t.ok((await answer(page).innerText()).includes(reference), `with the block reference to quote (${reference})`)
    t.notOk((await answer(page).innerText()).includes(entryId), 'not the 36-character entry id')
    t.equal(await page.locator('#address').inputValue(), '', 'the box is cleared')
    t.equal(await focused(page), 'address', 'and has the focus again')
    t.equal(await page.locator('#prisoner').inputValue(), 'A1234BC', 'the prisoner number stays for the batch')

    await page.locator('#recipient').fill('Mr T Smith')
    await page.locator('#address').focus()
    await scan(page, ['3 Laburnum Grove', 'Hull', 'HU1 2AB'])
    await page.locator('#answer.answer--clear').waitFor()
    t.equal(await page.locator('#recipient').inputValue(), '', 'the name is cleared for the next letter: a stale name could pass a named block')
    t.match(await answer(page).innerText(), /Letter 2[\s\S]*NO BLOCK FOUND/)
    t.equal(await focused(page), 'address')

    await scan(page, ['FLT 2, 14 acacia ave.', 'LEEDS', 'LSI 4AP'])
    await page.locator('#answer.answer--hold').waitFor()
    t.match(await answer(page).innerText(), /Letter 3[\s\S]*HOLD THIS LETTER/)
    t.equal(await page.locator('#count-checked').innerText(), '3')
    t.equal(await page.locator('#count-held').innerText(), '2')

    const text = await page.locator('body').innerText()
    for (const detail of ['Acacia', 'ACACIA', 'LS1', 'Jane', '07700', 'example.org']) {
      t.notOk(text.includes(detail), `the page never shows a victim's detail (${detail.length} characters)`)
    }
    await axe(t, page, 'mail-room with a held letter')
    await screenshot(page, 'mail-room')
  })

  await t.test('anything but a clear allow is CANNOT CHECK, in amber, and counts as held', async (t) => {
    const answers: Array<[string, (route: import('playwright-core').Route) => Promise<void>]> = [
      ['503 unavailable', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"decision":"unavailable"}' })],
      ['a network error', (route) => route.abort('connectionrefused')],
      ['a 200 that is not a clear allow', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"decision":"maybe"}' })],
      ['a 500', (route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'oops' })]
    ]
    for (const [label, handler] of answers) {
      await page.route('**/v1/check', handler)
      await scan(page, ['3 Laburnum Grove, Hull HU1 2AB'])
      await page.locator('#answer.answer--unknown').waitFor()
      t.match(await answer(page).innerText(), /CANNOT CHECK[\s\S]*Treat this letter as held/, label)
      t.equal(await focused(page), 'address', `${label}: the box is ready again`)
      await page.unroute('**/v1/check')
    }
    t.equal(await page.locator('#count-checked').innerText(), '7')
    t.equal(await page.locator('#count-held').innerText(), '6')
    await axe(t, page, 'mail-room with CANNOT CHECK')
  })

  await t.test('a token withdrawn mid-session: back to sign-in, saying the letter was not checked', async (t) => {
    await page.route('**/v1/check', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"unauthorized","message":"the token is not recognised"}' }))
    await scan(page, ['3 Laburnum Grove, Hull HU1 2AB'], false)
    await page.locator('#sign-in-view').waitFor()
    t.match(await signInError(page, /not checked/), /not checked: treat it as held[\s\S]*not accepted/)
    t.equal(await page.evaluate('sessionStorage.getItem("upc-guard.mail-room.token")'), null, 'the token is forgotten')
    await page.unroute('**/v1/check')
    await signIn(page, TOKENS.check)
    await page.locator('#check-view').waitFor()
    t.equal(await page.locator('#count-checked').innerText(), '7', 'the counts of the session survive signing in again')
    t.equal(await focused(page), 'address', 'with the prisoner number kept, the box has the focus')
  })

  await t.test('a reload keeps the session; signing out ends it', async (t) => {
    await page.reload()
    await page.locator('#check-view').waitFor()
    t.equal(await focused(page), 'address', 'the box has the focus on load')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.locator('#sign-in-view').waitFor()
    t.equal(await page.evaluate('sessionStorage.length'), 0, 'nothing is left in the tab')
  })

  await t.test('at 320 pixels wide nothing scrolls sideways', async (t) => {
    await page.setViewportSize({ width: 320, height: 800 })
    t.ok(await fitsWidth(page), 'sign-in page fits')
    await signIn(page, TOKENS.check)
    await page.locator('#check-view').waitFor()
    await page.keyboard.type('A1234BC')
    await page.locator('#address').focus()
    await scan(page, ['Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'])
    await page.locator('#answer.answer--hold').waitFor()
    t.ok(await fitsWidth(page), 'the held answer fits')
    await axe(t, page, 'mail-room at 320 px')
    await screenshot(page, 'mail-room-320')
  })

  noPageProblems(t, page, 'the mail-room page')
})

t.test('signing in tests the token with a request that is valid: no error in the console, no 4xx in the log', { skip: SKIP }, async (t) => {
  const logFile = join(tempDir(t), 'log')
  const { base } = await startDaemon(t, { logFile })
  const context = await launch(t)
  const page = await openPage(context, `${base}/`)
  const consoleErrors: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()) })
  const statuses: number[] = []
  page.on('response', (response) => { if (response.url().includes('/v1/')) statuses.push(response.status()) })
  await signIn(page, TOKENS.check)
  await page.locator('#check-view').waitFor()
  t.same(consoleErrors, [], 'no console error')
  t.same(statuses, [200], 'the sign-in asked once, and was answered 200')
  const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"route":"/v1/'))
  t.same(lines.map((line) => [JSON.parse(line).route, JSON.parse(line).status]), [['/v1/whoami', 200]], 'and the log holds that 200, no 400')
  noPageProblems(t, page, 'the mail-room sign-in')
})
