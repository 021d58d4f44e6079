import t from 'tap'
import { auth, entryBody } from '../helper.js'
import { SKIP, TOKENS, axe, fitsWidth, focusIsVisible, focused, hasFocus, launch, noPageProblems, openPage, screenshot, startDaemon, tabTo } from './browser.js'

/** Block i at the hub: request reference UPC-HUB-0000i, an Ofcom drama number. */
const ref = (i: number) => `UPC-HUB-${String(i).padStart(6, '0')}`
const phone = (i: number) => `07700 900${String(100 + i)}`

/**
 * The brake seen from the SPOC page: a real hub lifts 100 blocks of an establishment in one page
 * of its feed; the establishment takes 10 off (10% of 100) and holds 90, which a SPOC releases or
 * keeps blocking with the keyboard alone, each with a reason the audit trail keeps.
 */
t.test('a hub lifts 100 blocks at once: 90 wait on the SPOC page until a person releases them', { skip: SKIP }, async (t) => {
  const hub = await startDaemon(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const ids: string[] = []
  for (let i = 1; i <= 100; i++) {
    const res = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'establishment', establishment: 'HLI', phones: [phone(i)], emails: [], addresses: [], requestRef: ref(i) }) })
    ids.push(res.json().id as string)
  }
  const now = Date.now()
  const hli = await startDaemon(t, { clock: () => now, env: { UPC_UPSTREAM_URL: hub.base, UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' } })
  const sync = async () => (await hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json()
  await sync() // after the run every daemon makes at start, which applies the 100 blocks
  const active = (await hli.app.inject({ method: 'GET', url: '/v1/entries?status=active&limit=1', headers: auth('admin') })).json()
  t.equal(active.total, 100, 'the 100 blocks arrived')
  for (const id of ids) {
    await hub.app.inject({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: 'Lifted at the hub' } })
  }
  const report = await sync()
  t.same([report.applied, report.held], [10, 90], 'one page of 100 lifts: 10 applied, 90 held')
  const decision = async (i: number) => (await hli.app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: phone(i) } })).json().decision
  t.equal(await decision(1), 'allow')
  t.equal(await decision(11), 'block')
  const held = (await hli.app.inject({ method: 'GET', url: '/v1/sync/held', headers: auth('admin') })).json().items as Array<{ id: number, entryId: string }>
  const [first, second] = held
  if (first === undefined || second === undefined) throw new Error('nothing held')
  const trail = async (action: string) => (await hli.app.inject({ method: 'GET', url: `/v1/audit?action=${action}`, headers: auth('admin') })).json().items

  const context = await launch(t)
  const spoc = await openPage(context, `${hli.base}/spoc`)
  const key = (name: string) => spoc.keyboard.press(name)
  const panel = spoc.locator('#held-removals')

  await t.test('listed above the blocks, by request reference and what the hub asks', async (t) => {
    t.equal(await focused(spoc), 'token')
    await spoc.keyboard.type(TOKENS.admin)
    await key('Enter')
    t.ok(await hasFocus(spoc, 'list-heading'))
    await panel.waitFor()
    const text = await panel.innerText()
    t.match(text, /Removals waiting for you/)
    t.match(text, /The national hub sent 90 changes that take blocks off past what a sync applies by itself \(10 removals an hour\)/)
    const rows = await spoc.locator('#held-table tbody tr').allInnerTexts()
    t.equal(rows.length, 90)
    t.match(rows[0], new RegExp(`${ref(11)}\\s+Lift it`), 'the oldest first: the eleventh lift')
    await axe(t, spoc, 'SPOC list with removals waiting')
    await screenshot(spoc, 'spoc-held')
    await spoc.setViewportSize({ width: 320, height: 800 })
    t.ok(await fitsWidth(spoc), 'the panel fits 320 pixels')
    await spoc.setViewportSize({ width: 1280, height: 900 })
  })

  await t.test('with the keyboard: no reason is refused; release one; keep one blocking; release all', async (t) => {
    await tabTo(t, spoc, `held-release-${first.id}`)
    t.ok(await focusIsVisible(spoc), 'the focused button can be seen')
    await key('Enter')
    t.ok(await hasFocus(spoc, 'held-errors'), 'no reason: the error summary has the focus')
    t.match(await spoc.locator('#held-errors').innerText(), /Enter why you are releasing or refusing these removals/)
    t.equal(await decision(11), 'block', 'nothing was sent')
    await key('Tab')
    await key('Enter')
    t.equal(await focused(spoc), 'held-reason', 'the summary links to the reason')
    await spoc.keyboard.type('Confirmed with the national hub by phone')
    await tabTo(t, spoc, `held-release-${first.id}`)
    await key('Enter')
    t.ok(await hasFocus(spoc, 'notice'), 'the success banner has the focus')
    t.match(await spoc.locator('#notice').innerText(), /Removals released[\s\S]*The hub's changes to 1 block are applied/)
    t.equal(await decision(11), 'allow', 'released: that block is off')
    t.match((await trail('sync.release'))[0], { actor: 'spoc', entryId: first.entryId, reason: 'Confirmed with the national hub by phone', detail: { held: first.id, kind: 'lift' } }, 'the release is audited: who, why, which change')

    await tabTo(t, spoc, 'held-reason')
    await spoc.keyboard.type('The hub cannot say who lifted it')
    await tabTo(t, spoc, `held-keep-${second.id}`)
    await key('Enter')
    t.ok(await hasFocus(spoc, 'notice'))
    t.match(await spoc.locator('#notice').innerText(), /1 block keeps blocking/)
    t.equal(await decision(12), 'block', 'refused: the block keeps blocking')
    t.match((await trail('sync.discard'))[0], { actor: 'spoc', entryId: second.entryId, reason: 'The hub cannot say who lifted it' })
    t.equal(await spoc.locator('#held-table tbody tr').count(), 88)

    await tabTo(t, spoc, 'held-reason')
    await spoc.keyboard.type('The hub confirmed every lift in writing')
    await tabTo(t, spoc, 'held-release-all')
    await key('Enter')
    t.ok(await hasFocus(spoc, 'notice'))
    t.match(await spoc.locator('#notice').innerText(), /The hub's changes to 88 blocks are applied/)
    t.equal(await panel.isVisible(), false, 'nothing waits: the panel is gone')
    t.equal(await decision(100), 'allow')
    t.equal(await decision(12), 'block', 'the refused one still blocks')
    t.equal((await trail('sync.release')).length, 89)
    const ready = (await hli.app.inject({ method: 'GET', url: '/readyz' })).json()
    t.same([ready.status, ready.heldRemovals], ['ready', 0])
  })

  noPageProblems(t, spoc, 'the SPOC page with removals waiting')
})
