import t from 'tap'
import type { Test } from 'tap'
import { usualReference } from '../../src/domain/block-reference-id.js'
import { openDatabase } from '../../src/store/db.js'
import { TOKENS, auth, buildTestApp, entryBody, fetchVia } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

/** Two groups of four from Crockford's alphabet (no I, L, O, U). */
const SHOWN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/

async function create (app: App, phone: string, extra: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [phone], emails: [], addresses: [], ...extra }) })
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`)
  return res.json() as { id: string, reference: string }
}
const get = (app: App, url: string) => app.inject({ method: 'GET', url, headers: auth('admin') })

async function fiveBlocks (t: Test) {
  const { app, dir, config } = await buildTestApp(t)
  const made = []
  for (let i = 0; i < 5; i++) made.push(await create(app, `07700 90070${i}`))
  return { app, dir, config, made }
}

t.test('five blocks made within a minute: five references, in the entry, the list, the audit trail and the check answer', async (t) => {
  const { app, made } = await fiveBlocks(t)
  for (const entry of made) t.match(entry.reference, SHOWN)
  t.equal(new Set(made.map((entry) => entry.reference)).size, 5, 'no two alike')
  const listed = (await get(app, '/v1/entries')).json().items as Array<{ id: string, reference: string }>
  t.same(listed.map((entry) => entry.reference).sort(), made.map((entry) => entry.reference).sort())
  const trail = (await get(app, '/v1/audit?action=entry.create')).json().items as Array<{ entryId: string, reference: string }>
  t.same(trail.map((row) => row.reference).sort(), made.map((entry) => entry.reference).sort(), 'each audit row names its block\'s reference')
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900702' } })
  t.same(check.json().matches.map((match: { reference: string }) => match.reference), [made[2]?.reference], 'the mail room gets the reference to quote')
  const none = (await get(app, '/v1/audit?action=check.decide')).json().items as Array<{ reference: string | null }>
  t.same(none.map((row) => row.reference), [made[2]?.reference])
})

t.test('a block is found by its reference however it is typed, wherever an id finds it', async (t) => {
  const { app, made } = await fiveBlocks(t)
  const entry = made[3] as { id: string, reference: string }
  const bare = entry.reference.replace('-', '')
  // As read down a phone: lower case, no hyphen, and 0 and 1 typed as the letters they look like.
  const misread = bare.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l')
  for (const typed of [entry.reference, bare, bare.toLowerCase(), misread, `${bare.slice(0, 4)}-${bare.slice(4).toLowerCase()}`]) {
    const res = await get(app, `/v1/entries/${typed}`)
    t.equal(res.json().id, entry.id, `GET /v1/entries/${typed}`)
  }
  t.equal((await get(app, `/v1/entries/${entry.id}`)).json().reference, entry.reference, 'the id still works')

  const listed = async (query: string) => (await get(app, `/v1/entries?${query}`)).json().items.map((e: { id: string }) => e.id)
  t.same(await listed(`reference=${misread}`), [entry.id], 'the list filter')
  const start = bare.slice(0, 4)
  t.same((await listed(`reference=${start.toLowerCase()}`)).sort(), made.filter((e) => e.reference.startsWith(start)).map((e) => e.id).sort(), 'the first group finds every block it begins')
  const trail = (await get(app, `/v1/audit?reference=${misread}`)).json().items as Array<{ entryId: string }>
  t.same(trail.map((row) => row.entryId), [entry.id], 'the audit trail filter')

  const refused: Array<[string, string]> = [
    ['/v1/entries/K7QU-4XRT', 'id must be an entry id or a block reference'],
    ['/v1/entries/K7QM-4XR', 'id must be an entry id or a block reference'],
    ['/v1/entries?reference=K7Q', 'querystring/reference'],
    ['/v1/entries?reference=UUUU', 'reference must be a block reference'],
    ['/v1/audit?reference=K7QU', 'reference must be a block reference']
  ]
  for (const [url, message] of refused) {
    const res = await get(app, url)
    t.equal(res.statusCode, 400, url)
    t.match(res.json().message, message, `${url}: names the field`)
  }
  const unknown = made.some((e) => e.reference === 'ZZZZ-ZZZZ') ? 'YYYY-YYYY' : 'ZZZZ-ZZZZ'
  t.equal((await get(app, `/v1/entries/${unknown}`)).statusCode, 404)
})

t.test('a store from before references: every entry gets the same reference at the next start', async (t) => {
  const { app, dir, config, made } = await fiveBlocks(t)
  await app.close()
  const db = openDatabase(config.db)
  db.prepare('UPDATE entries SET reference = NULL').run() // as 014 leaves an older store's entries
  db.close()
  const again = await buildTestApp(t, { dir })
  const listed = (await get(again.app, '/v1/entries')).json().items as Array<{ id: string, reference: string }>
  t.same(Object.fromEntries(listed.map((e) => [e.id, e.reference])), Object.fromEntries(made.map((e) => [e.id, e.reference])))
  const check = openDatabase(config.db)
  t.equal(check.prepare('SELECT COUNT(*) FROM entries WHERE reference IS NULL').pluck().get(), 0, 'stored, not only shown')
  check.close()
})

t.test('a hub block has the same reference at the hub and at the establishment; a clash there lengthens it there only', async (t) => {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const hli = await buildTestApp(t, {
    fetch: fetchVia(hub.app),
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  const sync = async () => t.equal((await hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json().ok, true, 'synced')
  const first = await create(hub.app, '07700 900711', { establishment: 'HLI' })
  await sync()
  t.equal((await get(hli.app, `/v1/entries/${first.id}`)).json().reference, first.reference, 'the same at both')

  // Force a clash: a block made here holds the reference the hub's next block will have.
  const second = await create(hub.app, '07700 900712', { establishment: 'HLI' })
  const mine = await create(hli.app, '07700 900713')
  const db = openDatabase(hli.config.db)
  db.prepare('UPDATE entries SET reference = ? WHERE id = ?').run(usualReference(second.id), mine.id)
  db.close()
  await sync()
  const here = (await get(hli.app, `/v1/entries/${second.id}`)).json().reference as string
  t.equal(here.length, 14, 'here it has 12 characters, K7QM-4XRT-PX3N')
  t.equal(here.slice(0, 9), second.reference, 'beginning with the hub\'s reference')
  t.equal((await get(hli.app, `/v1/entries/${second.reference}`)).json().id, mine.id, 'the 8 find the block that held them first')
  const both = (await get(hli.app, `/v1/entries?reference=${second.reference}`)).json().items.map((e: { id: string }) => e.id)
  t.same(both.sort(), [mine.id, second.id].sort(), 'a search by the hub\'s reference lists both')
})
