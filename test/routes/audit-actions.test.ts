import t from 'tap'
import { AUDIT_ACTIONS } from '../../src/domain/audit-actions.js'
import type { AuditAction } from '../../src/domain/audit-actions.js'
import { verifyChain } from '../../src/audit/chain.js'
import { createAuditStore } from '../../src/audit/store.js'
import { openDatabase } from '../../src/store/db.js'
import { HASH_KEY, auth, buildTestApp, entryBody } from '../helper.js'

/** One consistent style: subject.verb, lower case. */
const CODE = /^[a-z]+\.[a-z]+$/

t.test('every action the trail records is a dotted code from the one list', async (t) => {
  t.same(AUDIT_ACTIONS.filter((action) => !CODE.test(action)), [], 'the list holds codes only')
  const { app } = await buildTestApp(t)
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const attempt = { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' }
  await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: attempt })
  await app.inject({ method: 'POST', url: '/v1/check/explain', headers: auth('admin'), payload: attempt })
  await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  // A daemon that pulls from a hub records each sync, failed (nothing listens there) or not.
  const syncing = await buildTestApp(t, { env: { UPC_UPSTREAM_URL: 'http://127.0.0.1:9/', UPC_UPSTREAM_TOKEN: 'f07c2e9a51b3d846a0c7e2f9', UPC_SYNC_CRON: '0 0 1 1 *' } })
  await syncing.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  const trail = async (of: typeof app) => (await of.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') })).json().items.map((row: { action: string }) => row.action)
  const actions = [...await trail(app), ...await trail(syncing.app)]
  t.same([...new Set(actions)].sort(), ['check.decide', 'check.explain', 'entry.create', 'entry.lift', 'sync.run'])
  t.same(actions.filter((action: string) => !(AUDIT_ACTIONS as readonly string[]).includes(action)), [], 'each one from the list')
})

t.test('rows written under a former name stay as written, are shown as today\'s code, and a filter on either finds them', async (t) => {
  const { app, config } = await buildTestApp(t)
  await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') }) // the queued check record is written first
  // What a daemon from before the codes wrote: 'check' and 'sync', appended to the same chain.
  const db = openDatabase(config.db)
  t.teardown(() => db.close())
  const older = createAuditStore(db, { hashKey: HASH_KEY })
  older.append({ at: 1, actor: 'pbx', action: 'check' as AuditAction, entryId: null, reason: null, detail: { decision: 'allow' } })
  older.append({ at: 2, actor: 'sync', action: 'sync' as AuditAction, entryId: null, reason: null, detail: { ok: true } })
  t.same(db.prepare('SELECT action FROM audit_all ORDER BY id').pluck().all(), ['check.decide', 'check', 'sync'], 'stored as written')

  const list = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/audit${query}`, headers: auth('admin') })).json().items
    .map((row: { action: string, actor: string }) => `${row.actor} ${row.action}`)
  t.same(await list(''), ['sync sync.run', 'pbx check.decide', 'pbx check.decide'], 'shown as today\'s codes')
  t.same(await list('?action=check'), ['pbx check.decide', 'pbx check.decide'], 'the former name finds old and new rows')
  t.same(await list('?action=check.decide'), ['pbx check.decide', 'pbx check.decide'], 'and so does the code')
  t.same(await list('?action=sync'), ['sync sync.run'])
  t.same(await list('?action=sync.run'), ['sync sync.run'])
  t.same(await list('?action=entry.create'), [])
  t.match(verifyChain(db, HASH_KEY), { ok: true, broken: null }, 'the chain still holds: no row was rewritten')
})
