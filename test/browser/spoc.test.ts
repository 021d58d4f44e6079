import t from 'tap'
import type { Page } from 'playwright-core'
import { auth, entryBody } from '../helper.js'
import { SKIP, TOKENS, axe, fitsWidth, focused, hasFocus, launch, noPageProblems, openPage, screenshot, signIn, signInError, startDaemon, viewChange } from './browser.js'

const NEW_ADDRESS = '3 Laburnum Grove, Hull HU1 2AB'
const NAMED_ADDRESS = '7 Rowan Close, Hull HU3 5QT'

/**
 * One letter through the mail-room tab, then back to the SPOC tab: a tab in the background gets
 * few animation frames, and every click waits for frames to see that its target stands still.
 */
async function checkLetter (page: Page, address: string, back: Page, recipient = ''): Promise<string> {
  await page.bringToFront()
  await page.locator('#recipient').fill(recipient)
  await page.locator('#address').fill(address)
  await page.locator('#address').press('Enter')
  await page.locator('#answer:not(.answer--ready)').waitFor()
  const text = await page.locator('#answer').innerText()
  await page.getByRole('button', { name: 'Start a new count' }).click()
  await back.bringToFront()
  return text
}

t.test('the SPOC page in a real browser, with the mail room beside it', { skip: SKIP }, async (t) => {
  const { app, base } = await startDaemon(t)
  // 24 blocks to page through: 22 for the establishment, 2 for one prisoner, one of them lifted.
  for (let i = 0; i < 24; i++) {
    const prisonerScope = i >= 22
    const res = await app.inject({
      method: 'POST',
      url: '/v1/entries',
      headers: auth('admin'),
      payload: entryBody({
        phones: [`07700 900${String(200 + i)}`],
        emails: [],
        addresses: [],
        protectedPerson: `Person ${i + 1}`,
        requestRef: `UPC-2026-${String(100 + i).padStart(6, '0')}`,
        ...(prisonerScope ? { scope: 'prisoner', prisoner: 'B2345CD' } : {})
      })
    })
    t.equal(res.statusCode, 201)
    if (i === 23) await app.inject({ method: 'POST', url: `/v1/entries/${res.json().id}/lift`, headers: auth('admin'), payload: { reason: 'Asked for contact again' } })
  }
  // 30 checks from the phone system, so that the audit trail has more than one page of 50.
  const items = Array.from({ length: 30 }, (_, i) => ({ channel: 'phone', prisoner: 'C3456DE', phone: `0113 496 0${String(100 + i)}` }))
  t.equal((await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items } })).statusCode, 200)
  const context = await launch(t)
  const spoc = await openPage(context, `${base}/spoc`)

  await t.test('sign in: a check token is refused, an admin token opens the list', async (t) => {
    await axe(t, spoc, 'SPOC sign-in')
    await signIn(spoc, TOKENS.check)
    t.ok(await signInError(spoc, /needs the admin role/), 'a token without the admin role')
    await signIn(spoc, TOKENS.admin)
    await spoc.locator('#list-view').waitFor()
    t.ok(await hasFocus(spoc, 'list-heading'), 'the heading of the new view has the focus')
    await spoc.getByText('Showing 1 to 20 of 24 blocks').waitFor()
    t.equal(await spoc.locator('#list-table tbody tr').count(), 20)
    const references = await spoc.locator('#list-table tbody tr td:first-child').allInnerTexts()
    t.ok(references.every((text) => /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(text)), 'each block shows its reference')
    t.equal(new Set(references).size, 20, 'blocks made within the same minute each show their own')
  })

  await t.test('paging and filters', async (t) => {
    const list = spoc.locator('#list-view')
    await spoc.getByRole('link', { name: 'Next page' }).click()
    await spoc.getByText('Showing 21 to 24 of 24 blocks').waitFor()
    t.equal(await spoc.locator('#list-table tbody tr').count(), 4)
    await spoc.getByRole('link', { name: 'Previous page' }).click()
    await spoc.getByText('Showing 1 to 20 of 24 blocks').waitFor()

    await list.getByLabel('Status').selectOption('lifted')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    await spoc.getByText('Showing 1 to 1 of 1 block').waitFor()
    t.match(await spoc.locator('#list-table').innerText(), /UPC-2026-000123[\s\S]*Prisoner B2345CD[\s\S]*Lifted/)

    await list.getByLabel('Status').selectOption('')
    await list.getByLabel('Prisoner number').fill('b2345cd')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    await spoc.getByText('Showing 1 to 2 of 2 blocks').waitFor()
    t.match(spoc.url(), /#\/entries\?prisoner=B2345CD$/, 'the filters are in the address, for back and bookmarks')

    await list.getByLabel('Prisoner number').fill('')
    await list.getByLabel('Request reference').fill('UPC-2026-000105')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    await spoc.getByText('Showing 1 to 1 of 1 block').waitFor()
    t.match(await spoc.locator('#list-table').innerText(), /Person 6/)
    await list.getByLabel('Request reference').fill('upc-2026-00011')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    await spoc.getByText('Showing 1 to 10 of 10 blocks').waitFor()
    t.match(spoc.url(), /#\/entries\?refContains=upc-2026-00011$/, 'part of a reference, in any case')
    await list.getByLabel('Request reference').fill('0123')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    await spoc.getByText('Showing 1 to 1 of 1 block').waitFor()
    t.match(await spoc.locator('#list-table').innerText(), /UPC-2026-000123/, 'the end of a reference')

    await list.getByLabel('Request reference').fill('')
    const wanted = (await spoc.locator('#list-table tbody tr td:first-child').first().innerText()).trim()
    // As read down a phone: lower case, no hyphen, 0 and 1 typed as the letters they look like.
    await list.getByLabel('Block reference').fill(wanted.replace('-', '').toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l'))
    await list.getByRole('button', { name: 'Apply filters' }).click()
    await spoc.getByText('Showing 1 to 1 of 1 block').waitFor()
    t.equal((await spoc.locator('#list-table tbody tr td:first-child').innerText()).trim(), wanted, 'found by its block reference, however typed')
    await list.getByLabel('Block reference').fill('K7QU')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    t.match(await spoc.locator('#list-errors').innerText(), /There is a problem[\s\S]*like K7QM-4XRT/)
    await list.getByLabel('Block reference').fill('')

    await list.getByLabel('Prisoner number').fill('12345')
    await list.getByRole('button', { name: 'Apply filters' }).click()
    t.match(await spoc.locator('#list-errors').innerText(), /There is a problem[\s\S]*like A1234BC/)
    t.equal(await focused(spoc), 'list-errors')
    await axe(t, spoc, 'SPOC list with a filter error')

    await spoc.getByRole('link', { name: 'Clear filters' }).first().click()
    await spoc.getByText('Showing 1 to 20 of 24 blocks').waitFor()
    t.equal(await spoc.locator('#list-errors').isVisible(), false)
    await axe(t, spoc, 'SPOC list')
  })

  await t.test('sync status: not shown on a daemon that does not sync with a hub', async (t) => {
    const status = await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })
    t.equal(status.statusCode, 200)
    t.equal(status.json().configured, false, 'GET /v1/sync answers, saying sync is not configured')
    await spoc.reload()
    await spoc.getByText('Showing 1 to 20 of 24 blocks').waitFor()
    t.equal(await spoc.locator('#sync-status').isVisible(), false, 'so the panel is hidden')
    // test/browser/spoc-sync.test.ts shows it on an establishment that pulls from a real hub.
  })

  const mailRoom = await openPage(context, `${base}/`)
  let entryId = ''
  let reference = ''

  await t.test('add a block in the SPOC page, and the mail room holds a letter to it', async (t) => {
    await signIn(mailRoom, TOKENS.check)
    await mailRoom.locator('#prisoner').fill('A1234BC')
    t.match(await checkLetter(mailRoom, NEW_ADDRESS, spoc), /NO BLOCK FOUND/, 'before the block, the letter passes')

    await viewChange(spoc, () => spoc.getByRole('link', { name: 'Add a block' }).click())
    t.ok(await hasFocus(spoc, 'add-heading'))
    await spoc.getByLabel('Every prisoner in this establishment').check()
    await spoc.getByLabel('Name of the protected person (optional)').fill('Sam Fixture')
    await spoc.getByLabel('Address 1', { exact: true }).fill(NEW_ADDRESS)
    await spoc.getByLabel('Yes').check()
    await spoc.getByLabel('Reason for the block').fill('Victim liaison officer asked by phone on 23 November')
    await spoc.getByLabel('Request reference (optional)').fill('UPC-2026-000999')
    await axe(t, spoc, 'SPOC add form')
    await spoc.getByRole('button', { name: 'Add the block' }).click()

    await spoc.locator('#entry-view').waitFor()
    await spoc.locator('#notice').getByText('Block added').waitFor()
    t.equal(await spoc.locator('#entry-heading').innerText(), 'UPC-2026-000999')
    entryId = /#\/entries\/([0-9a-f-]{36})$/.exec(spoc.url())?.[1] ?? ''
    t.match(entryId, /^[0-9a-f-]{36}$/)
    reference = /Block reference\s*([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(await spoc.locator('#entry-details').innerText())?.[1] ?? ''
    t.match(reference, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/, 'the block reference leads the details')
    t.match(await spoc.locator('#entry-details').innerText(), /Active[\s\S]*Every prisoner at HLI[\s\S]*Sam Fixture[\s\S]*3 Laburnum Grove, Hull HU1 2AB[\s\S]*Letters held\s*All mail to these addresses[\s\S]*Consent\s*Yes/)
    t.match(await spoc.locator('#entry-details').innerText(), /Where it was added\s*Here, at this establishment/)
    // the trail keeps a keyed hash of the reason, never its text: the history names the step only
    t.match(await spoc.locator('#entry-history').innerText(), /Block added/)
    t.notMatch(await spoc.locator('#entry-history').innerText(), /Victim liaison officer/)

    const held = await checkLetter(mailRoom, '3 laburnum gr.\nHULL\nHU1 2AB', spoc)
    t.match(held, /HOLD THIS LETTER/)
    t.ok(held.includes(reference), 'with the new block\'s reference to quote')
    t.notOk(held.includes(entryId), 'not its entry id')
  })

  await t.test('the entry page: history, and lift with a reason and a confirmation', async (t) => {
    await spoc.reload()
    await spoc.locator('#entry-view').waitFor()
    const history = await spoc.locator('#entry-history').innerText()
    t.match(history, /Check[\s\S]*mail for A1234BC: blocked[\s\S]*Block added/, 'the held letter is in the history')
    await axe(t, spoc, 'SPOC entry page')
    await screenshot(spoc, 'spoc-entry')

    await spoc.getByRole('button', { name: 'Continue' }).click()
    t.match(await spoc.locator('#lift-errors').innerText(), /Enter why the block is being lifted/)
    await spoc.getByLabel('Why is the block being lifted?').fill('She rang on 07700 900999 to ask')
    await spoc.getByRole('button', { name: 'Continue' }).click()
    t.match(await spoc.locator('#lift-errors').innerText(), /must not contain a phone number/, 'the API\'s free-text rule, in the page')
    await spoc.getByLabel('Why is the block being lifted?').fill('The protected person asked for contact again')
    await spoc.getByRole('button', { name: 'Continue' }).click()
    await spoc.getByText('Are you sure you want to lift this block?').waitFor()
    t.equal(await focused(spoc), 'lift-confirm-heading')
    await axe(t, spoc, 'SPOC lift confirmation')
    await spoc.getByRole('button', { name: 'Cancel' }).click()
    t.equal(await focused(spoc), 'lift-reason', 'cancel goes back to the reason, still filled in')
    t.equal(await spoc.locator('#lift-reason').inputValue(), 'The protected person asked for contact again')
    t.match(await checkLetter(mailRoom, NEW_ADDRESS, spoc), /HOLD THIS LETTER/, 'nothing changed on cancel')

    await spoc.getByRole('button', { name: 'Continue' }).click()
    await spoc.getByRole('button', { name: 'Yes, lift the block' }).click()
    await spoc.locator('#notice').getByText('Block lifted').waitFor()
    t.match(await spoc.locator('#entry-details').innerText(), /Status\s*Lifted[\s\S]*Lifted\s*.*by spoc: The protected person asked for contact again/)
    t.match(await spoc.locator('#entry-history').innerText(), /Block lifted/)
    t.equal(await spoc.locator('#lift-section').isVisible(), false, 'a lifted block cannot be lifted again')

    t.match(await checkLetter(mailRoom, NEW_ADDRESS, spoc), /NO BLOCK FOUND/, 'after the lift, the letter passes')
  })

  await t.test('the audit trail, filtered by block, client and date', async (t) => {
    await viewChange(spoc, () => spoc.getByRole('link', { name: 'Audit trail' }).click())
    t.ok(await hasFocus(spoc, 'audit-heading'), 'the heading of the new view has the focus')
    const apply = () => viewChange(spoc, () => spoc.getByRole('button', { name: 'Apply filters' }).click())
    await spoc.getByLabel('Block reference or entry id').fill(reference.replace('-', '').toLowerCase())
    await apply()
    t.match(spoc.url(), /#\/audit\?reference=/)
    const rows = await spoc.locator('#audit-table tbody tr').allInnerTexts()
    t.match(rows.join('\n'), /Block lifted[\s\S]*Check[\s\S]*Block added/, 'newest first: lift, checks, create')
    t.ok(rows.every((row) => row.includes(reference)), 'only this block, each row showing its reference')
    await spoc.getByLabel('Block reference or entry id').fill(entryId)
    await apply()
    t.same(await spoc.locator('#audit-table tbody tr').allInnerTexts(), rows, 'the entry id finds the same rows')

    await spoc.getByLabel('Client').fill('pbx')
    await apply()
    const checks = await spoc.locator('#audit-table tbody tr').allInnerTexts()
    t.ok(checks.length > 0 && checks.every((row) => /pbx\s+Check/.test(row)), 'only the mail room\'s checks')

    const today = new Date()
    const day = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
    await spoc.getByLabel('Client').fill('')
    await spoc.getByLabel('From date').fill(day(today))
    await spoc.getByLabel('To date').fill(day(today))
    await apply()
    t.match(spoc.url(), /#\/audit\?entryId=.*&from=\d{4}-\d\d-\d\d&to=/)
    t.match(await spoc.locator('#audit-count').innerText(), /^Showing 4 records/, 'today: the create, two checks and the lift')
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)
    await spoc.getByLabel('From date').fill(day(yesterday))
    await spoc.getByLabel('To date').fill(day(yesterday))
    await apply()
    t.equal(await spoc.locator('#audit-count').innerText(), 'No records match these filters.', 'yesterday: nothing')
    await viewChange(spoc, () => spoc.getByRole('link', { name: 'Clear filters' }).click())
    t.match(await spoc.locator('#audit-count').innerText(), /^Showing 50 records/)
    t.ok(await spoc.getByRole('link', { name: 'Older records' }).isVisible(), 'more than a page: a link to older records')
    await viewChange(spoc, () => spoc.getByRole('link', { name: 'Older records' }).click())
    t.match(await spoc.locator('#audit-count').innerText(), /older page/)
    await axe(t, spoc, 'SPOC audit trail')
    await screenshot(spoc, 'spoc-audit')
  })

  await t.test('a block on letters to the protected person only: the mail room holds hers, not her son\'s', async (t) => {
    await viewChange(spoc, () => spoc.getByRole('link', { name: 'Add a block' }).click())
    await spoc.getByLabel('Every prisoner in this establishment').check()
    await spoc.getByLabel('Block only mail addressed to the protected person').check()
    await spoc.getByLabel('Phone number 1', { exact: true }).fill('07700 900888')
    await spoc.getByLabel('Reason for the block').fill('Victim asked; her son still writes to his father')
    const add = () => spoc.getByRole('button', { name: 'Add the block' }).click()
    await add()
    t.match(await spoc.locator('#add-errors').innerText(),
      /There is a problem\s*Enter the name of the protected person[^\n]*\nEnter a postal address, or choose to block all mail/,
      'the page asks for her name and an address, in the order of the fields')
    t.equal(await focused(spoc), 'add-errors')
    await axe(t, spoc, 'SPOC add form, a named block with errors')
    await screenshot(spoc, 'spoc-add-named-errors')

    await spoc.getByLabel('Name of the protected person (optional)').fill('The Occupier')
    await spoc.getByLabel('Address 1', { exact: true }).fill(NAMED_ADDRESS)
    await add()
    t.match(await spoc.locator('#add-errors').innerText(), /words like “The Occupier” on their own do not name anyone/, 'the API\'s name reader, in the page')
    t.notMatch(await spoc.locator('#add-errors').innerText(), /postal address/)
    await spoc.getByLabel('Name of the protected person (optional)').fill('Mrs Jane Doe')
    await add()
    await spoc.locator('#notice').getByText('Block added').waitFor()
    const details = await spoc.locator('#entry-details').innerText()
    t.match(details, /Postal addresses\s*7 Rowan Close, Hull HU3 5QT\s*Letters held\s*Only mail addressed to Mrs Jane Doe, or to no one by name\. Letters to anyone else at these addresses \(a child, say\) are not held\./)

    await mailRoom.bringToFront()
    t.match(await mailRoom.locator('#recipient-hint').innerText(), /only one person’s letters at an address[\s\S]*a letter with no name is held/, 'the mail room is told why the name matters')
    t.match(await checkLetter(mailRoom, NAMED_ADDRESS, spoc, 'J. Doe'), /HOLD THIS LETTER/, 'a letter to her, by her initial')
    t.match(await checkLetter(mailRoom, NAMED_ADDRESS, spoc, 'Master Tom Doe'), /NO BLOCK FOUND/, 'a letter to her son passes')
    t.match(await checkLetter(mailRoom, NAMED_ADDRESS, spoc), /HOLD THIS LETTER/, 'a letter to no one by name is held, to be safe')
  })

  await t.test('the list for docs/PAGES.md, and every view at 320 pixels wide', async (t) => {
    await spoc.getByRole('link', { name: 'Blocks', exact: true }).click()
    await spoc.getByText('Showing 1 to 20 of 26 blocks').waitFor()
    await screenshot(spoc, 'spoc')
    await spoc.setViewportSize({ width: 320, height: 800 })
    for (const hash of ['#/entries', `#/entries/${entryId}`, '#/add', '#/audit']) {
      await spoc.goto(`${base}/spoc${hash}`)
      await spoc.locator('section:not([hidden]) h1').waitFor()
      await spoc.waitForLoadState('networkidle')
      t.ok(await fitsWidth(spoc), `${hash} fits 320 pixels`)
      await axe(t, spoc, `SPOC ${hash} at 320 px`)
      await screenshot(spoc, `spoc-320-${hash.split('/')[1] ?? ''}${hash.split('/')[2] === undefined ? '' : '-entry'}`, false)
    }
  })

  noPageProblems(t, spoc, 'the SPOC page')
  noPageProblems(t, mailRoom, 'the mail-room page')
})
