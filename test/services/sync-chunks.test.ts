import t from 'tap'
import type { Test } from 'tap'
import Database from 'better-sqlite3'
import { TOKENS, auth, buildTestApp, entryBody, fetchVia } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

// A page longer than the 20 items of one apply transaction (src/services/sync.ts, CHUNK).
const COUNT = 45
const phone = (i: number) => `07700 900${String(700 + i)}`

async function sync (app: App) {
  const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

async function hubWithEntries (t: Test) {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  for (let i = 0; i < COUNT; i++) {
    const res = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'establishment', establishment: 'HLI', phones: [phone(i)], emails: [], addresses: [] }) })
    if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}`)
  }
  return hub
}

const decision = async (app: App, number: string) =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: number } })).json().decision

t.test('a page applied in several transactions: every entry in the store and the index, the cursor at the page\'s end', async (t) => {
  const hub = await hubWithEntries(t)
  const est = await buildTestApp(t, { fetch: fetchVia(hub.app), env: { UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' } })
  await sync(est.app) // after the run every daemon makes at start, which applied the page
  const status = (await est.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.lastError, null)
  t.equal(status.appliedTotal, COUNT, 'one page of the feed (pageSize 100), every item applied once')
  const feed = (await hub.app.inject({ method: 'GET', url: '/v1/feed?since=0', headers: auth('feed') })).json()
  t.equal(feed.changes.length, COUNT)
  t.equal(status.cursor, feed.next)
  for (let i = 0; i < COUNT; i++) t.equal(await decision(est.app, phone(i)), 'block', `entry ${i} is in the index`)
  t.equal(await decision(est.app, '07700 900699'), 'allow')
})

t.test('a run that stopped after the first transaction of a page: the next run applies the rest and nothing twice', async (t) => {
  const hub = await hubWithEntries(t)
  const est = await buildTestApp(t, { fetch: fetchVia(hub.app), env: { UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' } })
  await sync(est.app)
  const feed = (await hub.app.inject({ method: 'GET', url: '/v1/feed?since=0', headers: auth('feed') })).json()
  // The store as a crash after the first transaction leaves it: its 20 items and their cursor, no more.
  const db = new Database(est.config.db)
  const later = feed.changes.slice(20).map((change: { entry: { id: string } }) => change.entry.id)
  db.transaction(() => {
    for (const id of later) {
      db.prepare('DELETE FROM entry_details WHERE entry_id = ?').run(id)
      db.prepare('DELETE FROM entries WHERE id = ?').run(id)
    }
    db.prepare('UPDATE sync_state SET cursor = ? WHERE id = 1').run(feed.changes[19].seq)
  })()
  t.equal(db.prepare('SELECT COUNT(*) FROM entries').pluck().get(), 20)
  const report = await sync(est.app)
  t.equal(report.ok, true)
  t.equal(report.applied, COUNT - 20, 'only the items after the committed cursor')
  t.equal(report.cursor, feed.next)
  t.equal(db.prepare("SELECT COUNT(*) FROM entries WHERE origin = 'hub'").pluck().get(), COUNT)
  t.equal(db.prepare('SELECT COUNT(*) FROM entry_details').pluck().get(), COUNT, 'one phone each, none twice')
  db.close()
  for (let i = 0; i < COUNT; i++) t.equal(await decision(est.app, phone(i)), 'block', `entry ${i} is in the index`)
})
