import t from 'tap'
import { auth, entryBody } from '../helper.js'
import { SKIP, TOKENS, axe, focusIsVisible, focused, hasFocus, launch, noPageProblems, openPage, screenshot, startDaemon, tabTo } from './browser.js'

/**
 * Two prisoners ring one blocked number: the SPOC page counts the open alert in its header, lists
 * it first on the Alerts view, and a SPOC acknowledges it with a note, with the keyboard alone.
 */
t.test('an alert seen in the SPOC page header and acknowledged by keyboard', { skip: SKIP }, async (t) => {
  const { app, base } = await startDaemon(t)
  const block = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  for (const prisoner of ['A1234BC', 'B2345CD']) {
    await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner, phone: '07700 900123' } })
  }
  app.upc.alertsNow() // the job's run, now
  const context = await launch(t)
  const page = await openPage(context, `${base}/spoc`)
  const key = (name: string) => page.keyboard.press(name)
  t.equal(await focused(page), 'token')
  await page.keyboard.type(TOKENS.admin)
  await key('Enter')
  t.ok(await hasFocus(page, 'list-heading'), 'signed in')

  const count = page.locator('#alerts-count:not([hidden])')
  await count.waitFor()
  t.equal(await count.innerText(), '1', 'the header counts one open alert')
  t.equal(await page.locator('#alerts-link').getAttribute('aria-label'), 'Alerts, 1 open')

  await tabTo(t, page, 'alerts-link')
  t.ok(await focusIsVisible(page))
  await key('Enter')
  t.ok(await hasFocus(page, 'alerts-heading'), 'the Alerts view, its heading focused')
  const [alert] = (await app.inject({ method: 'GET', url: '/v1/alerts', headers: auth('admin') })).json().items
  const open = await page.locator('#alerts-open').innerText()
  t.match(open, new RegExp(`Possible relay through another prisoner \\(alert ${alert.id}\\)[\\s\\S]*${block.reference}[\\s\\S]*A1234BC[\\s\\S]*B2345CD[\\s\\S]*Attempts\\s*2`))
  t.notMatch(await page.locator('#alerts-view').innerText(), /900123|Jane|example\.org/, 'no detail or name on the alert')
  await axe(t, page, 'SPOC alerts view')
  await screenshot(page, 'spoc-alerts')

  // A note with a phone number is refused in the page, before it is sent.
  const note = `alert-${alert.id}-note`
  await tabTo(t, page, note)
  t.ok(await focusIsVisible(page))
  await page.keyboard.type('Rang 07700 900123 again')
  await tabTo(t, page, `alert-${alert.id}-acknowledge`)
  await key('Enter')
  t.ok(await hasFocus(page, 'alerts-errors'), 'the error summary has the focus')
  t.match(await page.locator('#alerts-errors').innerText(), /must not contain a phone number/)
  await key('Tab')
  await key('Enter')
  t.equal(await focused(page), note, 'the summary\'s link goes to the note')
  await key('ControlOrMeta+a')
  await page.keyboard.type('Wing officer told; PIN accounts of both reviewed')
  await tabTo(t, page, `alert-${alert.id}-acknowledge`)
  await key('Enter')

  t.ok(await hasFocus(page, 'notice'), 'the success banner takes the focus')
  t.match(await page.locator('#notice').innerText(), /Alert acknowledged/)
  t.match(await page.locator('#alerts-open').innerText(), /None open/)
  t.match(await page.locator('#alerts-acknowledged').innerText(), /Acknowledged[\s\S]*by spoc: Wing officer told; PIN accounts of both reviewed/)
  await page.locator('#alerts-count[hidden]').waitFor({ state: 'attached' })
  t.equal(await page.locator('#alerts-link').getAttribute('aria-label'), 'Alerts, none open', 'the header count is gone')
  const stored = (await app.inject({ method: 'GET', url: `/v1/alerts?state=acknowledged`, headers: auth('admin') })).json().items
  t.same(stored.map((a: { id: number, acknowledgedBy: string, note: string }) => [a.id, a.acknowledgedBy, a.note]), [[alert.id, 'spoc', 'Wing officer told; PIN accounts of both reviewed']])

  // The block's own view: its attempts, counted by prisoner and channel.
  await tabTo(t, page, block.reference)
  await key('Enter')
  t.ok(await hasFocus(page, 'entry-heading'), 'the block is shown')
  t.equal(await page.locator('#entry-attempts-summary').innerText(), '2 blocked attempts. By prisoner: A1234BC (1), B2345CD (1). By channel: phone (2).')
  t.match(await page.locator('#entry-attempts table').innerText(), /A1234BC\s+phone\s+HLI/)
  await axe(t, page, 'SPOC block view with attempts')

  noPageProblems(t, page, 'the SPOC page')
})
