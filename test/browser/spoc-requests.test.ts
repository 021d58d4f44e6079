import t from 'tap'
import { PHONE, restrictBody } from '../fixtures/requests.js'
import { auth } from '../helper.js'
import { SKIP, TOKENS, axe, focused, hasFocus, launch, noPageProblems, openPage, screenshot, signIn, startDaemon, tabTo, viewChange } from './browser.js'

/**
 * The SPOC's request queue in a real browser: the overdue request first, a request opened and
 * approved with the keyboard alone, the block it makes holding a call, the notice printed and
 * recorded; axe on every view.
 */
t.test('the request queue, a decision and the notice in the SPOC page', { skip: SKIP }, async (t) => {
  const { app, base } = await startDaemon(t)
  const post = async (payload: unknown) => (await app.inject({ method: 'POST', url: '/v1/requests', headers: auth('admin'), payload: payload as object })).json()
  const fresh = await post(restrictBody({ consent: false, requestRef: 'UPC-2026-000901', receivedAt: new Date(Date.now() - 2 * 3_600_000).toISOString() }))
  // Received a month ago: long past its decision date.
  const old = await post(restrictBody({ consent: false, requestRef: 'UPC-2026-000900', block: { phones: ['07700 900470'] }, receivedAt: new Date(Date.now() - 30 * 86_400_000).toISOString() }))
  const check = async () => (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONE } })).json().decision

  const context = await launch(t)
  const spoc = await openPage(context, `${base}/spoc#/requests`)
  await signIn(spoc, TOKENS.admin)
  await spoc.locator('#requests-view').waitFor()
  await spoc.locator('#requests-table tbody tr').first().waitFor()

  await t.test('the queue: the overdue request first, marked overdue', async (t) => {
    t.ok(await hasFocus(spoc, 'requests-heading'))
    const rows = await spoc.locator('#requests-table tbody tr').allInnerTexts()
    t.equal(rows.length, 2)
    t.match(rows[0], /UPC-2026-000900[\s\S]*Overdue: Waiting for a decision/)
    t.match(rows[1], /UPC-2026-000901[\s\S]*Waiting for a decision/)
    t.notMatch(rows[1], /Overdue/)
    await axe(t, spoc, 'the request queue')
    await screenshot(spoc, 'spoc-requests')
  })

  await t.test('a decision with the keyboard alone: errors first, then approve; the block holds the call', async (t) => {
    await viewChange(spoc, async () => {
      await tabTo(t, spoc, 'UPC-2026-000901')
      await spoc.keyboard.press('Enter')
    })
    t.ok(await hasFocus(spoc, 'request-heading'))
    t.match(await spoc.locator('#request-heading').innerText(), /UPC-2026-000901/)
    await axe(t, spoc, 'a request')
    await tabTo(t, spoc, 'Record the decision')
    await spoc.keyboard.press('Enter')
    t.ok(await hasFocus(spoc, 'decision-errors'), 'the error summary takes the focus')
    t.match(await spoc.locator('#decision-errors').innerText(), /Select approve or decline[\s\S]*Enter why/)
    await axe(t, spoc, 'the decision form with errors')
    await tabTo(t, spoc, 'decision-approve')
    await spoc.keyboard.press('Space')
    await spoc.keyboard.press('Tab')
    t.equal(await focused(spoc), 'decision-rationale')
    await spoc.keyboard.type('Risk assessed by the security team')
    t.equal(await check(), 'allow', 'nothing blocked before the decision')
    await tabTo(t, spoc, 'Record the decision')
    await spoc.keyboard.press('Enter')
    await spoc.getByText('Request approved').waitFor()
    t.equal(await check(), 'block', 'approving made the block')
    t.match(await spoc.locator('#request-details').innerText(), /Approved[\s\S]*Risk assessed by the security team/)
  })

  await t.test('the notice: printed from the template, then recorded', async (t) => {
    await spoc.locator('#notice-section:not([hidden])').waitFor()
    const notice = await spoc.locator('#notice-text').innerText()
    t.match(notice, /Notice: you must not contact a person[\s\S]*Prisoner number: A1234BC/)
    t.notMatch(notice, /Sam Carter|07700|example\.org/, 'a direct notice names no one and holds no detail')
    await spoc.emulateMedia({ media: 'print' })
    t.equal(await spoc.locator('#request-details').isVisible(), false, 'on paper: the request details are not printed')
    t.equal(await spoc.locator('#notice-text').isVisible(), true, 'the notice is')
    await spoc.emulateMedia({ media: 'screen' })
    await axe(t, spoc, 'the notice')
    // An hour ago, as a datetime-local field takes it: local time, to the minute.
    await spoc.locator('#notice-at').fill(new Date(Date.now() - 3_600_000).toLocaleString('sv-SE').replace(' ', 'T').slice(0, 16))
    await spoc.locator('#notice-by').fill('Officer 4521')
    await spoc.getByRole('button', { name: 'Record the notice' }).click()
    await spoc.getByText('Notice recorded').waitFor()
    t.match(await spoc.locator('#request-details').innerText(), /Prisoner told in writing[\s\S]*Officer 4521 \(wording direct@1\)/)
    t.equal(await spoc.locator('#notice-form').isVisible(), false, 'recorded once')
    const stored = (await app.inject({ method: 'GET', url: `/v1/requests/${fresh.id as string}`, headers: auth('admin') })).json()
    t.equal(stored.stage, 'notice-given')
    t.ok(old.id)
  })
  noPageProblems(t, spoc, 'the request views')
})

t.test('the hub\'s page: every establishment\'s requests and their stage, nothing to decide there', { skip: SKIP }, async (t) => {
  const { app, base } = await startDaemon(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  for (const establishment of ['HLI', 'LEI']) {
    const res = await app.inject({ method: 'POST', url: '/v1/requests', headers: auth('admin'), payload: restrictBody({ establishment, requestRef: `UPC-2026-HUB-${establishment}` }) })
    t.equal(res.statusCode, 201)
  }
  const context = await launch(t)
  const hub = await openPage(context, `${base}/spoc#/requests`)
  await signIn(hub, TOKENS.admin)
  await hub.locator('#requests-table tbody tr').first().waitFor()
  const rows = await hub.locator('#requests-table tbody tr').allInnerTexts()
  t.equal(rows.length, 2)
  t.ok(rows.some((row) => /UPC-2026-HUB-HLI\s+A1234BC\s+HLI[\s\S]*Received/.test(row)), 'HLI\'s request, received')
  t.ok(rows.some((row) => /UPC-2026-HUB-LEI\s+A1234BC\s+LEI[\s\S]*Received/.test(row)), 'LEI\'s request, received')
  await axe(t, hub, 'the hub\'s requests')
  await viewChange(hub, async () => { await hub.getByRole('link', { name: 'UPC-2026-HUB-HLI' }).click() })
  t.match(await hub.locator('#request-details').innerText(), /Reached the establishment\s+Not yet/)
  t.equal(await hub.locator('#decision-section').isVisible(), false, 'decided at the establishment, not here')
  await axe(t, hub, 'a request at the hub')
  noPageProblems(t, hub, 'the hub\'s request views')
})
