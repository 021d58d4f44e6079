import t from 'tap'
import type { Test } from 'tap'
import Database from 'better-sqlite3'
import { dataKey, seal } from '../../src/domain/sealed-value.js'
import { associatedData } from '../../src/store/at-rest-store.js'
import { DATA_KEY, TOKENS, auth, buildTestApp, entryBody } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

/** A hub on a real loopback port, with its own SQLite file. */
async function startHub (t: Test) {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const address = hub.app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  return { ...hub, url }
}


/** An establishment daemon pulling from that hub, on a real port too, with a clock the test moves. */
async function startEstablishment (t: Test, hubUrl: string, code: string, token: string, clock: () => number, extra: Record<string, string> = {}) {
  const establishment = await buildTestApp(t, {
    clock,
    env: { UPC_ESTABLISHMENT: code, UPC_UPSTREAM_URL: hubUrl, UPC_UPSTREAM_TOKEN: token, UPC_SYNC_CRON: '0 0 1 1 *', ...extra }
  })
  await establishment.app.listen({ port: 0, host: '127.0.0.1' })
  await sync(establishment.app) // after the run every daemon makes at start
  return establishment
}

async function sync (app: App) {
  const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

const check = async (app: App, prisoner: string, phone: string) =>
  app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner, phone } })
const decision = async (app: App, prisoner: string, phone: string) => (await check(app, prisoner, phone)).json().decision
const create = async (app: App, body: Record<string, unknown>) => {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ emails: [], addresses: [], ...body }) })
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`)
  return res.json() as { id: string }
}

t.test('two real daemons: create at the hub, sync, blocked; lift at the hub, sync, allowed', async (t) => {
  const hub = await startHub(t)
  const now = Date.now()
  const hli = await startEstablishment(t, hub.url, 'HLI', TOKENS.feed, () => now)
  const entry = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900601'] })
  await create(hub.app, { scope: 'establishment', establishment: 'LEI', phones: ['07700 900602'] })

  const first = await sync(hli.app)
  t.equal(first.ok, true)
  t.equal(first.applied, 1, 'only what concerns HLI arrives')
  t.equal(await decision(hli.app, 'A1234BC', '+44 7700 900601'), 'block')
  t.equal(await decision(hli.app, 'A1234BC', '07700 900602'), 'allow', 'another establishment\'s block does not arrive')
  const local = await hli.app.inject({ method: 'GET', url: `/v1/entries/${entry.id}`, headers: auth('admin') })
  t.equal(local.json().origin, 'hub')
  t.same(local.json().keys.phones, [['p:+447700900601']], 'keyed at the establishment by its own normaliser')

  const again = await sync(hli.app)
  t.equal(again.applied, 0, 'nothing new: the same cursor reads nothing')

  const lift = await hub.app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  t.equal(lift.statusCode, 200)
  t.equal((await sync(hli.app)).applied, 1)
  t.equal(await decision(hli.app, 'A1234BC', '07700 900601'), 'allow')
  const lifted = await hli.app.inject({ method: 'GET', url: `/v1/entries/${entry.id}`, headers: auth('admin') })
  t.equal(lifted.json().status, 'lifted', 'kept with its lift, for the record')

  const status = (await hli.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.configured, true)
  t.equal(status.lastError, null)
  t.equal(status.appliedTotal, 2)
  t.equal(status.staleness, 'fresh')
  const hubFeed = await hub.app.inject({ method: 'GET', url: '/v1/feed?since=0', headers: auth('feed') })
  t.equal(status.cursor, hubFeed.json().next, 'the cursor equals the hub\'s last relevant sequence')
  const trail = (await hli.app.inject({ method: 'GET', url: '/v1/audit?action=sync', headers: auth('admin') })).json().items
  t.ok(trail.length >= 3, 'every sync run is audited')
})

t.test('a local entry is never touched by the feed, and a hub entry cannot be lifted locally', async (t) => {
  const hub = await startHub(t)
  const now = Date.now()
  const hli = await startEstablishment(t, hub.url, 'HLI', TOKENS.feed, () => now)
  const mine = await create(hli.app, { scope: 'establishment', phones: ['07700 900611'] })
  const theirs = await create(hub.app, { scope: 'national', phones: ['07700 900612'] })
  await sync(hli.app)
  t.equal(await decision(hli.app, 'B2345CD', '07700 900611'), 'block')
  t.equal(await decision(hli.app, 'B2345CD', '07700 900612'), 'block', 'a national entry arrives everywhere')
  const lift = await hli.app.inject({ method: 'POST', url: `/v1/entries/${theirs.id}/lift`, headers: auth('admin'), payload: { reason: 'Asked' } })
  t.equal(lift.statusCode, 409)
  t.equal(lift.json().error, 'hub_entry')
  const read = await hli.app.inject({ method: 'GET', url: `/v1/entries/${mine.id}`, headers: auth('admin') })
  t.equal(read.json().origin, 'local')
})

t.test('a transfer moves a prisoner\'s entries from HLI to LEI; neither loses establishment or national entries', async (t) => {
  const hub = await startHub(t)
  const now = Date.now()
  const hli = await startEstablishment(t, hub.url, 'HLI', TOKENS.feed, () => now)
  const lei = await startEstablishment(t, hub.url, 'LEI', TOKENS.feedLei, () => now)
  const personal = await create(hub.app, { scope: 'prisoner', prisoner: 'A1234BC', establishment: 'HLI', phones: ['07700 900621'] })
  await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900622'] })
  await create(hub.app, { scope: 'establishment', establishment: 'LEI', phones: ['07700 900623'] })
  await create(hub.app, { scope: 'national', phones: ['07700 900624'] })
  await sync(hli.app)
  await sync(lei.app)
  t.equal(await decision(hli.app, 'A1234BC', '07700 900621'), 'block')
  t.equal(await decision(lei.app, 'A1234BC', '07700 900621'), 'allow', 'not at LEI before the transfer')

  const transfer = await hub.app.inject({ method: 'POST', url: '/v1/prisoners/a1234bc/transfer', headers: auth('admin'), payload: { to: 'LEI' } })
  t.equal(transfer.statusCode, 200)
  t.same(transfer.json(), { prisoner: 'A1234BC', to: 'LEI', moved: [{ entryId: personal.id, from: 'HLI' }] })
  const hliReport = await sync(hli.app)
  t.equal(hliReport.removed, 1, 'the old establishment\'s feed says remove')
  await sync(lei.app)
  t.equal(await decision(hli.app, 'A1234BC', '07700 900621'), 'allow')
  t.equal(await decision(lei.app, 'A1234BC', '07700 900621'), 'block', 'the new one\'s says upsert')
  for (const [app, phone] of [[hli.app, '07700 900622'], [lei.app, '07700 900623'], [hli.app, '07700 900624'], [lei.app, '07700 900624']] as const) {
    t.equal(await decision(app, 'C3456DE', phone), 'block', 'establishment and national entries stay')
  }
  const audit = (await hub.app.inject({ method: 'GET', url: '/v1/audit?action=prisoner.transfer', headers: auth('admin') })).json().items
  t.equal(audit.length, 1, 'the transfer is audited')
  // A new prisoner-scope entry at the hub goes where the prisoner now is.
  const later = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'prisoner', prisoner: 'A1234BC', phones: ['07700 900625'], emails: [], addresses: [] }) })
  t.equal(later.json().establishment, 'LEI')
  const refused = await hli.app.inject({ method: 'POST', url: '/v1/prisoners/A1234BC/transfer', headers: auth('admin'), payload: { to: 'LEI' } })
  t.equal(refused.statusCode, 409, 'transfers are made at the hub')
})

t.test('a malformed item is quarantined while its page-mates apply', async (t) => {
  const hub = await startHub(t)
  const now = Date.now()
  const hli = await startEstablishment(t, hub.url, 'HLI', TOKENS.feed, () => now)
  const good1 = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900631'] })
  const bad = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900632'] })
  const good2 = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900633'] })
  // Break one entry behind the hub's back: a phone longer than the feed schema allows, sealed
  // under the hub's key and bound to its row (a mere overwrite would fail the integrity check).
  const db = new Database(hub.config.db)
  const sealed = seal(dataKey(DATA_KEY), '0'.repeat(80), associatedData.detail(bad.id, 'phone', 0))
  db.prepare('UPDATE entry_details SET raw = ? WHERE entry_id = ?').run(sealed, bad.id)
  db.close()
  const report = await sync(hli.app)
  t.equal(report.ok, true)
  t.equal(report.applied, 2)
  t.equal(report.quarantined, 1)
  t.equal(await decision(hli.app, 'A1234BC', '07700 900631'), 'block')
  t.equal(await decision(hli.app, 'A1234BC', '07700 900633'), 'block')
  const status = (await hli.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.quarantinedTotal, 1)
  t.equal(status.quarantine[0].entryId, bad.id)
  t.match(status.quarantine[0].reason, /does not match the feed schema: entry\.phones\.0 must NOT have more than 64 characters/)
  t.notMatch(JSON.stringify(status), /00000000000/, 'the item is kept, not shown')
  const audit = (await hli.app.inject({ method: 'GET', url: '/v1/audit?action=sync.quarantine', headers: auth('admin') })).json().items
  t.equal(audit[0].entryId, bad.id)
  t.ok(good1.id && good2.id)
})

t.test('hub down: checks still served, staleness reported, fail-closed after the limit, back when a sync succeeds', async (t) => {
  const hub = await startHub(t)
  let now = Date.parse('2026-11-23T12:00:00Z')
  const hli = await startEstablishment(t, hub.url, 'HLI', TOKENS.feed, () => now, {
    UPC_CONFIG: '',
    UPC_SYNC_CRON: '0 0 1 1 *'
  })
  await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900641'] })
  t.equal((await sync(hli.app)).ok, true)
  const port = (hub.app.server.address() as { port: number }).port
  await hub.app.close()

  now += 60_000
  const failed = await sync(hli.app)
  t.equal(failed.ok, false)
  t.equal(failed.error, 'the hub could not be reached')
  t.equal(await decision(hli.app, 'A1234BC', '07700 900641'), 'block', 'checks still served from what it has')
  t.equal((await hli.app.inject({ method: 'GET', url: '/readyz' })).json().status, 'ready')

  now += 301_000 // past warnAfter (300 s by default)
  const degraded = await hli.app.inject({ method: 'GET', url: '/readyz' })
  t.equal(degraded.statusCode, 200)
  t.equal(degraded.json().status, 'degraded')
  t.equal(await decision(hli.app, 'A1234BC', '07700 900641'), 'block')

  now += 1800_000 // past failAfter (1800 s)
  const stale = await check(hli.app, 'A1234BC', '07700 900999')
  t.equal(stale.statusCode, 503)
  t.equal(stale.json().decision, 'unavailable', 'fail-closed: never allow on a stale index')
  t.equal((await hli.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503)
  const status = (await hli.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.staleness, 'fail')
  t.equal(status.lastError, 'the hub could not be reached')

  // The hub comes back on the same port with the same store.
  const back = await buildTestApp(t, { dir: hub.dir, env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  await back.app.listen({ port, host: '127.0.0.1' })
  t.equal((await sync(hli.app)).ok, true)
  t.equal((await check(hli.app, 'A1234BC', '07700 900999')).json().decision, 'allow')
})

t.test('a client may opt out of fail-closed; a daemon that never synced is unavailable to the rest', async (t) => {
  const now = Date.now()
  const hli = await buildTestApp(t, {
    clock: () => now,
    env: {
      UPC_ESTABLISHMENT: 'HLI',
      UPC_UPSTREAM_URL: 'http://127.0.0.1:9',
      UPC_UPSTREAM_TOKEN: TOKENS.feed,
      UPC_TOKENS: JSON.stringify([
        { name: 'pbx', roles: ['check'], token: TOKENS.check },
        { name: 'mailroom', roles: ['check'], token: TOKENS.both, failClosed: false }
      ])
    }
  })
  const body = { channel: 'mail', prisoner: 'A1234BC', address: '14 Acacia Avenue, Leeds LS1 4AP' }
  const pbx = await hli.app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: body })
  t.equal(pbx.statusCode, 503, 'never synced: unavailable')
  const mail = await hli.app.inject({ method: 'POST', url: '/v1/check', headers: auth('both'), payload: body })
  t.equal(mail.statusCode, 200, 'a client configured with failClosed false is answered from what there is')
})

t.test('a named-person block travels with its mode and name', async (t) => {
  const hub = await startHub(t)
  const now = Date.now()
  const hli = await startEstablishment(t, hub.url, 'HLI', TOKENS.feed, () => now)
  await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: [], addresses: ['14 Acacia Avenue, Leeds LS1 4AP'], addressMode: 'named', protectedPerson: 'Jane Doe' })
  await sync(hli.app)
  const letter = async (recipient: string) => (await hli.app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address: '14 Acacia Ave, Leeds LS1 4AP', recipient } })).json().decision
  t.equal(await letter('Ms J. Doe'), 'block')
  t.equal(await letter('Tom Doe'), 'allow', 'mail to someone else at the address goes')
  t.equal(await letter(''), 'block', 'a blank recipient is held')
})
