import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pino from 'pino'
import t from 'tap'
import type { Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { createServices } from '../../src/services/create-services.js'
import { parseAnchor, verifyChain } from '../../src/audit/chain.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { HASH_KEY, HUB_SIGNER, auth, buildTestApp, fetchVia, entryBody, publicKeyOf, tempDir } from '../helper.js'

const DAY = 24 * 60 * 60 * 1000
const PERIOD = 2192 * DAY // the default: six years
const T0 = Date.parse('2026-01-05T09:00:00Z')

function daemon (t: Test, clock: () => number, env: Record<string, string> = {}) {
  const dir = tempDir(t)
  const config = loadConfig({ UPC_DB: join(dir, 'upc.db'), UPC_ESTABLISHMENT: 'HLI', ...env })
  const db = openDatabase(config.db)
  migrate(db)
  const services = createServices(db, config, { hashKey: HASH_KEY, clock, logger: pino({ level: 'silent' }) })
  t.teardown(() => {
    services.auditWriter.close()
    db.close()
  })
  return { db, services }
}

const counts = (db: Database.Database) => ({
  entries: db.prepare('SELECT COUNT(*) FROM entries').pluck().get(),
  details: db.prepare('SELECT COUNT(*) FROM entry_details').pluck().get(),
  audit: db.prepare('SELECT COUNT(*) FROM audit_all').pluck().get()
})

t.test('only entries lifted or expired more than the period ago lose their details; nothing else goes', async (t) => {
  let now = T0
  const { db, services } = daemon(t, () => now)
  const { entries, retention, indexState } = services
  const create = (overrides: Record<string, unknown>) => entries.create(entryBody({ emails: [], addresses: [], ...overrides }) as never, 'spoc')
  const active = create({ phones: ['07700 900701'], emails: ['active.person@example.org'] })
  const lifted = create({ phones: ['07700 900702'], addresses: ['Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'] })
  const named = create({ phones: [], addresses: ['3 Rowan Close, Leeds LS6 2AB'], addressMode: 'named', protectedPerson: 'Mary Smith' })
  const expiring = create({ phones: ['07700 900704'], expiresAt: new Date(T0 + DAY).toISOString() })
  entries.lift(lifted.id, 'Person asked for contact again', 'spoc')
  entries.lift(named.id, 'Person asked for contact again', 'spoc')
  now = T0 + 10 * DAY
  const later = create({ phones: ['07700 900705'] })
  entries.lift(later.id, 'Person asked for contact again', 'spoc')
  const before = counts(db)
  t.same(before, { entries: 5, details: 7, audit: 8 })
  t.equal(indexState.index.size, 2, 'the active entry and the expired one (expiry is judged at each check)')

  now = T0 + PERIOD - 1
  t.same(retention.run(), { erased: 0, cutoff: new Date(T0 - 1).toISOString() }, 'a millisecond before six years: nothing')
  t.same(counts(db), before)

  now = T0 + PERIOD + 1
  t.equal(retention.run().erased, 2, 'just after: the two lifted at T0')
  t.same(db.prepare('SELECT id FROM entries WHERE erased_at IS NOT NULL ORDER BY id').pluck().all(), [lifted.id, named.id].sort())
  t.same(counts(db), { entries: 5, details: 4, audit: 10 }, 'rows stay, three details go, two audit rows come')

  now = T0 + DAY + PERIOD + 1
  t.equal(retention.run().erased, 1, 'the one that expired a day after T0')
  t.equal(indexState.index.size, 1, 'and its keys left the index with its details')
  t.equal(retention.run().erased, 0, 'a second run finds nothing more')

  const erased = entries.get(lifted.id)
  // Free text goes with the details: a reason may say who the person is.
  t.match(erased, { status: 'lifted', phones: [], emails: [], addresses: [], protectedPerson: null, reason: '', liftReason: null, createdBy: 'spoc', liftedBy: 'spoc', requestRef: 'UPC-2026-000123' })
  t.same(db.prepare('SELECT reason, lift_reason FROM entries WHERE id = ?').get(lifted.id), { reason: '', lift_reason: null }, 'nothing of either reason is left in the row')
  t.match(entries.get(later.id), { reason: entryBody().reason, liftReason: 'Person asked for contact again' }, 'lifted more recently: its reasons stay')
  t.equal(erased.erasedAt, new Date(T0 + PERIOD + 1).toISOString())
  t.same(erased.keys, { phones: [], emails: [], addresses: [] })
  t.equal(entries.get(named.id).protectedPerson, null, 'a named block loses its person too')
  t.equal(entries.get(expiring.id).status, 'active', 'an expired entry keeps its status')
  t.same(entries.get(active.id).phones, ['07700 900701'], 'the active entry is untouched')
  t.same(entries.get(active.id).emails, ['active.person@example.org'])
  t.equal(entries.get(active.id).erasedAt, null)
  t.same(entries.get(later.id).phones, ['07700 900705'], 'lifted more recently: untouched')

  const trail = services.stores.audit.list({ action: 'retention.erase' }, 10)
  t.same(trail.map((row) => row.entryId).sort(), [lifted.id, named.id, expiring.id].sort())
  t.match(trail.find((row) => row.entryId === named.id)?.detail, { ended: 'lifted', details: { phones: 0, emails: 0, addresses: 1 }, protectedPerson: true, addressMode: 'named' })
  t.match(trail.find((row) => row.entryId === expiring.id)?.detail, { ended: 'expired', details: { phones: 1, emails: 0, addresses: 0 } })
  t.notMatch(JSON.stringify(trail), /07700|Acacia|Rowan|Mary Smith|LS1|LS6/, 'ids and counts only')
  t.equal(services.stores.audit.list({ entryId: lifted.id }, 10).length, 3, 'its create, lift and erase are all still there')
  t.match(verifyChain(db, HASH_KEY), { rows: 11, ok: true, broken: null, head: { lastId: 11 } })

  // A reload from the store (another process wrote) gives the same index: no erased keys come back.
  t.equal(indexState.load(), true)
  t.equal(indexState.index.size, 1)
  const changes = db.prepare('SELECT entry_id, op FROM changes ORDER BY seq').all() as Array<{ entry_id: string, op: string }>
  t.same(changes.filter((row) => row.op === 'remove').map((row) => row.entry_id).sort(), [lifted.id, named.id, expiring.id].sort(), 'the feed says remove for each')
})

t.test('the period is configurable', async (t) => {
  let now = T0
  const { services } = daemon(t, () => now, { UPC_RETENTION_DAYS: '30' })
  const entry = services.entries.create(entryBody({ emails: [], addresses: [] }) as never, 'spoc')
  services.entries.lift(entry.id, 'Person asked for contact again', 'spoc')
  now = T0 + 30 * DAY
  t.equal(services.retention.run().erased, 0)
  now += 1
  t.equal(services.retention.run().erased, 1)
})

t.test('the hub erases, the feed says remove, and the establishment keeps no copy of the details', async (t) => {
  let now = T0
  const hub = await buildTestApp(t, { clock: () => now, env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_RETENTION_CRON: '* * * * * *' } })
  const viaHub = fetchVia(hub.app)
  const hli = await buildTestApp(t, {
    fetch: viaHub,
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: 'feed-62683918bcbeb6182bbcaf2c', UPC_SYNC_CRON: '0 0 1 1 *', UPC_RETENTION_CRON: '0 0 1 1 *' }
  })
  const made = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ establishment: 'HLI' }) })
  const id = made.json().id as string
  await hub.app.inject({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  const sync = async () => (await hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal((await sync()).ok, true)
  t.same((await hli.app.inject({ method: 'GET', url: `/v1/entries/${id}`, headers: auth('admin') })).json().phones, ['07700 900123'], 'the lifted copy is at the establishment')

  // Six years on at the hub; the job (every second here) erases it.
  now = T0 + PERIOD + DAY
  const read = async () => (await hub.app.inject({ method: 'GET', url: `/v1/entries/${id}`, headers: auth('admin') })).json()
  const deadline = Date.now() + 20_000
  while ((await read()).erasedAt === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  const atHub = await read()
  t.equal(atHub.erasedAt, new Date(now).toISOString(), 'the job ran the service with the daemon\'s clock')
  t.match(atHub, { status: 'lifted', phones: [], emails: [], addresses: [], protectedPerson: null })
  const feed = await hub.app.inject({ method: 'GET', url: '/v1/feed?since=0', headers: auth('feed') })
  t.same(feed.json().changes.map((change: { op: string, entry: { id: string } }) => [change.op, change.entry.id]), [['remove', id]])
  t.notMatch(feed.body, /07700|example\.org|Acacia|Jane Doe/)

  t.equal((await sync()).removed, 1)
  const gone = await hli.app.inject({ method: 'GET', url: `/v1/entries/${id}`, headers: auth('admin') })
  t.equal(gone.statusCode, 404, 'the establishment\'s copy went with the remove')
  const db = new Database(hli.config.db, { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.prepare('SELECT COUNT(*) FROM entry_details').pluck().get(), 0)
})

t.test('an establishment that erased a hub entry itself does not take its details back from the feed', async (t) => {
  let now = T0
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_RETENTION_DAYS: '36500' } })
  const viaHub = fetchVia(hub.app)
  const dir = tempDir(t)
  const env = { UPC_DB: join(dir, 'upc.db'), UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: 'feed-62683918bcbeb6182bbcaf2c', UPC_UPSTREAM_PUBLIC_KEYS: publicKeyOf(HUB_SIGNER) }
  const config = loadConfig(env)
  const db = openDatabase(config.db)
  t.teardown(() => db.close())
  migrate(db)
  const services = createServices(db, config, { hashKey: HASH_KEY, clock: () => now, logger: pino({ level: 'silent' }), fetch: viaHub })
  t.teardown(() => services.auditWriter.close())
  const made = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ establishment: 'HLI' }) })
  const id = made.json().id as string
  now = Date.now()
  await hub.app.inject({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  t.equal((await services.sync.run('test')).applied, 1)
  now += PERIOD + DAY
  t.equal(services.retention.run().erased, 1)
  // The hub keeps it longer and sends it again (a full re-read from cursor 0).
  db.prepare('UPDATE sync_state SET cursor = 0').run()
  const again = await services.sync.run('test')
  t.equal(again.ok, true)
  t.equal(services.entries.get(id).erasedAt !== null, true)
  t.same(services.entries.get(id).phones, [], 'still erased')
  t.equal(db.prepare('SELECT COUNT(*) FROM entry_details').pluck().get(), 0)
})

t.test('GET /v1/entries/:id of an erased entry on a real socket shows it erased, without details; the chain head is logged', async (t) => {
  let now = T0
  const logFile = join(tempDir(t), 'log.ndjson')
  const { app, config } = await buildTestApp(t, { clock: () => now, logFile, env: { UPC_RETENTION_CRON: '* * * * * *' } })
  const made = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  const id = made.json().id as string
  await app.inject({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v1/entries/${id}`
  const read = async () => (await fetch(url, { headers: auth('admin') })).json() as Promise<Record<string, unknown>>
  t.same((await read()).emails, ['jane.victim@example.org'])
  now = T0 + PERIOD + DAY
  const deadline = Date.now() + 20_000
  while ((await read()).erasedAt === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  const body = await read()
  t.match(body, { id, status: 'lifted', erasedAt: new Date(now).toISOString(), phones: [], emails: [], addresses: [], protectedPerson: null, reason: '', liftReason: null })
  t.notMatch(JSON.stringify(body), /07700|example\.org|Acacia|Jane Doe/)

  // After each run the chain's last link is logged: an anchor to ship off the host. A run before the
  // clock moved logged one too; the one after the erasure covers its row, and is the store's link.
  const db = new Database(config.db, { readonly: true })
  t.teardown(() => db.close())
  const erasedRow = db.prepare("SELECT id FROM audit WHERE action = 'retention.erase'").pluck().get() as number
  const lastOf = (seq: number) => db.prepare('SELECT last_id FROM audit_link WHERE seq = ?').pluck().get(seq) as number | undefined
  const after = () => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"audit chain anchor"'))
    .map((line) => parseAnchor((JSON.parse(line) as { auditAnchor: string }).auditAnchor))
    .find((anchor) => anchor !== null && 'link' in anchor && (lastOf(anchor.link) ?? 0) >= erasedRow)
  while (after() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  const link = after()
  t.ok(link !== undefined && link !== null && 'link' in link, 'an anchor logged after the erasure')
  if (link !== undefined && link !== null && 'link' in link) {
    t.equal(link.mac, db.prepare('SELECT mac FROM audit_link WHERE seq = ?').pluck().get(link.link), 'the logged MAC is that link\'s')
  }
  t.notMatch(readFileSync(logFile, 'utf8'), /07700|example\.org|Acacia|Jane Doe/)
})

t.test('an entry erased by retention: its audit content sealed under its key, the key gone, none of it in the file or its WAL, the chain intact', async (t) => {
  let now = T0
  const dir = tempDir(t)
  const config = loadConfig({ UPC_DB: join(dir, 'upc.db'), UPC_ESTABLISHMENT: 'HLI' })
  const db = openDatabase(config.db)
  migrate(db)
  const services = createServices(db, config, { hashKey: HASH_KEY, clock: () => now, logger: pino({ level: 'silent' }) })
  t.teardown(() => {
    services.auditWriter.close()
    db.close()
  })
  const entry = services.entries.create(entryBody({ phones: ['07700 900731'], emails: [], addresses: ['3 Rowan Close, Leeds LS6 2AB'], addressMode: 'named', protectedPerson: 'Mary Smith', requestRef: 'UPC-REQ-88231', prisoner: 'A7731BC', scope: 'prisoner' }) as never, 'spoc')
  services.entries.lift(entry.id, 'Person asked for contact again', 'spoc')
  const created = () => services.stores.audit.list({ entryId: entry.id, action: 'entry.create' }, 1)[0]
  t.match(created()?.detail, { requestRef: 'UPC-REQ-88231', prisoner: 'A7731BC' }, 'readable while the entry is kept')
  const key = db.prepare('SELECT key FROM audit_entry_keys WHERE entry_id = ?').pluck().get(entry.id) as Buffer
  t.equal(key.length, 32, 'the entry has its own audit key')
  const bytes = () => [readFileSync(config.db), ...[`${config.db}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file))]
  t.notMatch(JSON.stringify(db.prepare('SELECT reason, detail FROM audit').all()), /UPC-REQ-88231|A7731BC/, 'sealed in the audit rows (the entry\'s own row keeps them: retention keeps the entry)')

  now = T0 + PERIOD + DAY
  t.equal(services.retention.run().erased, 1)
  t.equal(db.prepare('SELECT COUNT(*) FROM audit_entry_keys WHERE entry_id = ?').pluck().get(entry.id), 0, 'its key is gone')
  t.match(created(), { entryId: entry.id, action: 'entry.create', reason: null, detail: null }, 'its rows stay, their content unreadable')
  t.match(verifyChain(db, HASH_KEY), { ok: true, broken: null }, 'the chain verifies: it covers the sealed bytes, which stay')
  for (const [name, file] of bytes().entries()) {
    t.equal(file.indexOf(key), -1, `the key's bytes are not in ${name === 0 ? 'the database file' : 'its WAL'}`)
    for (const text of ['Mary Smith', 'Rowan Close', 'LS6 2AB', '900731', 'Person asked for contact again']) {
      t.equal(file.indexOf(text), -1, `"${text}" is not in ${name === 0 ? 'the database file' : 'its WAL'}`)
    }
  }
})
