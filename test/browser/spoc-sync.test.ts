import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import Database from 'better-sqlite3'
import { dataKey, seal } from '../../src/domain/sealed-value.js'
import { associatedData } from '../../src/store/at-rest-store.js'
import { DATA_KEY, auth, entryBody, tempDir } from '../helper.js'
import { SKIP, TOKENS, axe, fitsWidth, hasFocus, launch, noPageProblems, openPage, screenshot, signIn, startDaemon, viewChange } from './browser.js'

/**
 * The SPOC page of an establishment that pulls from a real hub: two daemons on real ports, each
 * with its own SQLite file, as in "Running a hub and an establishment" (docs/SYNC.md).
 */
t.test('the SPOC page of an establishment synced with a real hub', { skip: SKIP }, async (t) => {
  const hub = await startDaemon(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const created = async (body: Record<string, unknown>) => {
    const res = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'establishment', establishment: 'HLI', emails: [], addresses: [], ...body }) })
    t.equal(res.statusCode, 201, 'made at the hub')
    return res.json().id as string
  }
  const whole = await created({ phones: ['07700 900701'], requestRef: 'UPC-HUB-000001' })
  const atHub = (await hub.app.inject({ method: 'GET', url: `/v1/entries/${whole}`, headers: auth('admin') })).json().reference as string
  const named = await created({ phones: [], addresses: ['7 Rowan Close, Hull HU3 5QT'], addressMode: 'named', protectedPerson: 'Jane Doe', requestRef: 'UPC-HUB-000002' })
  const broken = await created({ phones: ['07700 900703'], requestRef: 'UPC-HUB-000003' })
  // One entry broken behind the hub's back, so that the establishment holds it back.
  const db = new Database(join(hub.dir, 'upc-guard.db'))
  // Sealed under the hub's key and bound to its row, as the hub would have stored it.
  const sealed = seal(dataKey(DATA_KEY), '0'.repeat(80), associatedData.detail(broken, 'phone', 0))
  db.prepare('UPDATE entry_details SET raw = ? WHERE entry_id = ?').run(sealed, broken)
  db.close()

  // HMP Hull, on a clock the test moves; no retries, so that a run against a stopped hub ends at once.
  let now = Date.now()
  const dir = tempDir(t)
  const config = join(dir, 'sync.json')
  writeFileSync(config, JSON.stringify({ sync: { retries: 0 } }))
  const hli = await startDaemon(t, {
    dir,
    clock: () => now,
    env: { UPC_CONFIG: config, UPC_UPSTREAM_URL: hub.base, UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  const sync = () => hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  t.equal((await sync()).json().ok, true, 'a run after the one every daemon makes at start')
  const status = (await hli.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.match(status, { configured: true, appliedTotal: 2, quarantinedTotal: 1, staleness: 'fresh' }, 'the broken entry is held back')
  const local = await hli.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900704'], emails: [], addresses: [], requestRef: 'UPC-HLI-000001' }) })
  t.equal(local.statusCode, 201)

  const context = await launch(t)
  const spoc = await openPage(context, `${hli.base}/spoc`)
  const panel = spoc.locator('#sync-status')
  const reload = async () => {
    await spoc.reload()
    await spoc.getByText('Showing 1 to 3 of 3 blocks').waitFor()
    return panel.innerText()
  }

  await t.test('up to date: the last sync, the counts and what was held back, in plain words', async (t) => {
    await signIn(spoc, TOKENS.admin)
    await spoc.getByText('Showing 1 to 3 of 3 blocks').waitFor()
    t.ok(await panel.isVisible(), 'shown: this daemon pulls from a hub')
    const text = await panel.innerText()
    t.match(text, /Sync with the national hub/)
    t.match(text, /Last successful sync\s*\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d/)
    t.match(text, /State\s*Up to date\s*Synced with the hub in the last 5 minutes\./)
    t.match(text, /Changes applied\s*2\s/)
    t.match(text, /Held back\s*1 item from the hub failed its checks and was not applied/)
    t.notMatch(text, /Last error/, 'no error, no error row')
    const held = await spoc.locator('#sync-quarantine-table tbody tr').allInnerTexts()
    t.equal(held.length, 1)
    t.match(held[0], broken, 'held back: by its entry id')
    t.match(held[0], /does not match the feed schema/, 'and why')
    t.notMatch(text, /00000000000/, 'never the item itself')
    t.notMatch(text, /cursor/i, 'no API words')
    await axe(t, spoc, 'SPOC list with sync status')
    await screenshot(spoc, 'spoc-sync')
  })

  await t.test('behind, then too old, as the clock passes the limits; the last error when the hub is down', async (t) => {
    now += 6 * 60 * 1000
    t.match(await reload(), /State\s*Behind\s*No successful sync for more than 5 minutes\. Checks are still answered, from the blocks held here/)
    now += 30 * 60 * 1000
    t.match(await reload(), /State\s*Too old\s*No successful sync for more than 30 minutes\. Checks are answered “cannot check” until a sync succeeds/)

    await hub.app.close()
    t.equal((await sync()).json().ok, false, 'the hub is down')
    const text = await reload()
    t.match(text, /Too old[\s\S]*Last error\s*\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d: \S/, 'the last error, with when it happened')
    await axe(t, spoc, 'SPOC list with sync too old and an error')
    await screenshot(spoc, 'spoc-sync-error')
    await spoc.setViewportSize({ width: 320, height: 800 })
    t.ok(await fitsWidth(spoc), 'the sync panel fits 320 pixels')
    await spoc.setViewportSize({ width: 1280, height: 900 })
  })

  await t.test('a block from the hub says so, and is lifted at the hub, not here', async (t) => {
    const link = spoc.locator('#list-table tbody tr', { hasText: 'UPC-HUB-000001' }).getByRole('link')
    t.equal(await link.innerText(), atHub, 'the establishment shows the hub\'s own reference for the block')
    await viewChange(spoc, () => link.click())
    t.ok(await hasFocus(spoc, 'entry-heading'))
    t.match(spoc.url(), whole)
    t.match(await spoc.locator('#entry-details').innerText(), /Where it was added\s*At the national hub, and received here by sync/)
    t.equal(await spoc.locator('#lift-section').isVisible(), false, 'no Lift here')
    t.equal(await spoc.getByRole('button', { name: 'Continue' }).isVisible(), false)
    t.match(await spoc.locator('#lift-hub').innerText(), /lifted at the national hub, not here/)
    await axe(t, spoc, 'SPOC entry from the hub')
    await screenshot(spoc, 'spoc-entry-hub')

    await viewChange(spoc, async () => { await spoc.goto(`${hli.base}/spoc#/entries/${named}`) })
    t.match(await spoc.locator('#entry-details').innerText(), /Letters held\s*Only mail addressed to Jane Doe, or to no one by name/, 'the hub\'s named block keeps its mode')

    await viewChange(spoc, async () => { await spoc.goto(`${hli.base}/spoc#/entries/${local.json().id as string}`) })
    t.match(await spoc.locator('#entry-details').innerText(), /Where it was added\s*Here, at this establishment/)
    t.ok(await spoc.locator('#lift-section').isVisible(), 'a block made here is lifted here')
    t.equal(await spoc.locator('#lift-hub').isVisible(), false)
  })

  noPageProblems(t, spoc, 'the SPOC page of an establishment')
})
