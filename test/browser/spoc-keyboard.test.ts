import t from 'tap'
import type { Page } from 'playwright-core'
import type { Test } from 'tap'
import { SKIP, TOKENS, axe, focusIsVisible, focused, hasFocus, launch, noPageProblems, openPage, screenshot, startDaemon, tabTo } from './browser.js'

/** Presses Tab until `id` has the focus, checks that the focus can be seen, and types. */
async function tabAndType (t: Test, page: Page, id: string, text: string): Promise<void> {
  await tabTo(t, page, id)
  t.ok(await focusIsVisible(page), `${id}: the focus can be seen`)
  await page.keyboard.type(text)
}

t.test('the add form, from sign-in to a saved block, with the keyboard only', { skip: SKIP }, async (t) => {
  const { base } = await startDaemon(t)
  const context = await launch(t)
  const page = await openPage(context, `${base}/spoc`)
  const key = (name: string) => page.keyboard.press(name)

  t.equal(await focused(page), 'token', 'the token field has the focus on load')
  await page.keyboard.type(TOKENS.admin)
  await key('Enter')
  t.ok(await hasFocus(page, 'list-heading'), 'signed in: the list heading has the focus')

  await tabTo(t, page, 'Add a block')
  t.ok(await focusIsVisible(page), 'a focused link can be seen')
  await key('Enter')
  t.ok(await hasFocus(page, 'add-heading'), 'the add form is shown, its heading focused')

  // An empty form: the error summary takes the focus and links to each field.
  await tabTo(t, page, 'add-submit')
  t.ok(await focusIsVisible(page), 'a focused button can be seen')
  await key('Enter')
  t.ok(await hasFocus(page, 'add-errors'), 'the error summary has the focus')
  const errors = await page.locator('#add-errors').innerText()
  t.match(errors, /There is a problem[\s\S]*Select who the block applies to[\s\S]*Enter at least one phone number, email address or postal address[\s\S]*Enter the reason for the block/)
  await axe(t, page, 'SPOC add form with errors')
  await screenshot(page, 'spoc-add-errors')
  await key('Tab')
  t.equal(await focused(page), 'Select who the block applies to', 'Tab reaches the first link of the summary')
  await key('Enter')
  t.equal(await focused(page), 'add-scope', 'the link moves the focus to its field')

  // Radios: Space picks the focused one; Tab leaves the group.
  await key('Space')
  t.ok(await page.locator('#add-scope').isChecked(), 'One prisoner is chosen')
  await tabAndType(t, page, 'add-prisoner', 'a1234bc')
  await tabAndType(t, page, 'add-person', 'Jane Doe')
  await tabAndType(t, page, 'add-phones-0', '07700 900777')
  await tabTo(t, page, 'add-phones-more')
  await key('Enter')
  t.equal(await focused(page), 'add-phones-3', 'the new phone field has the focus')
  await page.keyboard.type('12345')
  await tabAndType(t, page, 'add-emails-1', 'Sam.Fixture+letters@example.org')

  // Addresses as lines and a postcode: the arrow keys move the choice within the radios.
  await tabTo(t, page, 'add-address-format')
  await key('ArrowRight')
  t.ok(await page.locator('#add-address-format-lines').isChecked(), 'lines and a postcode')
  t.equal(await page.getByText('Address 1: lines, without the postcode').count(), 1, 'the label follows the mode')
  await tabTo(t, page, 'add-addresses-2')
  await page.keyboard.type('Flat 1')
  await key('Enter')
  await page.keyboard.type('5 Elm Road')
  await key('Enter')
  await page.keyboard.type('Hull')
  await tabAndType(t, page, 'add-addresses-2-postcode', 'HU2 8XY')

  await tabTo(t, page, 'add-consent-unknown')
  await key('ArrowLeft')
  await key('ArrowLeft')
  t.ok(await page.locator('#add-consent').isChecked(), 'consent: Yes')

  // The API's free-text rule, checked in the page before sending.
  await tabAndType(t, page, 'add-reason', 'Her mother rang from 07700 900777')
  await tabAndType(t, page, 'add-ref', 'UPC-2026-000777')
  await tabAndType(t, page, 'add-to', '31')
  await tabAndType(t, page, 'add-to-month', '12')
  await tabAndType(t, page, 'add-to-year', '2020')
  await tabTo(t, page, 'add-submit')
  await key('Enter')
  t.ok(await hasFocus(page, 'add-errors'))
  t.match(await page.locator('#add-errors').innerText(), /reason must not contain a phone number[\s\S]*end date must be today or in the future/)
  t.notMatch(await page.locator('#add-errors').innerText(), /Select who|at least one/, 'what was fixed is no longer listed')

  await key('Tab')
  await key('Enter')
  t.equal(await focused(page), 'add-reason')
  await key('ControlOrMeta+a')
  await page.keyboard.type('Victim liaison officer asked, with consent')
  await tabTo(t, page, 'add-to-year')
  await key('ControlOrMeta+a')
  await page.keyboard.type(String(new Date().getFullYear() + 1))
  await tabTo(t, page, 'add-submit')
  await key('Enter')

  // Saved, with the API's warning on the number it could not read, beside that field.
  t.ok(await hasFocus(page, 'notice'), 'the success banner takes the focus')
  t.match(await page.locator('#notice').innerText(), /Block added, with warnings[\s\S]*UPC-2026-000777[\s\S]*One detail could not be read/)
  const warning = page.locator('#add-phones-3-warning')
  t.match(await warning.innerText(), /Warning:\s*Phone number 2 could not be read as a phone number; blocked by its digits only/)
  t.equal(await page.locator('#add-phones-3').getAttribute('aria-describedby'), 'add-phones-3-warning', 'the warning is tied to its field')
  t.equal(await page.locator('#add-phones-0-warning').count(), 0, 'no warning on the number that was read')
  await axe(t, page, 'SPOC add form with a warning')
  await screenshot(page, 'spoc-add-warning')

  await tabTo(t, page, 'add-view-entry')
  await key('Enter')
  t.ok(await hasFocus(page, 'entry-heading'))
  const details = await page.locator('#entry-details').innerText()
  t.match(details, /Prisoner A1234BC[\s\S]*Jane Doe[\s\S]*07700 900777[\s\S]*12345[\s\S]*Sam\.Fixture\+letters@example\.org[\s\S]*Flat 1, 5 Elm Road, Hull, HU2 8XY[\s\S]*Consent\s*Yes/)
  t.match(details, new RegExp(`Ends\\s*1 January ${new Date().getFullYear() + 2}`), 'the block ends at the midnight after its last day')

  noPageProblems(t, page, 'the SPOC page')
})
