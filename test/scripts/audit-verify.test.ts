import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import t from 'tap'
import { verifyChain } from '../../src/audit/chain.js'
import { HASH_KEY, auth, buildTestApp, fetchVia, entryBody, tempDir } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function verify (...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' }
  })
}

t.test('creates, lifts, batched checks and a sync keep the chain whole; a row edited behind the daemon\'s back is named', async (t) => {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  // The establishment pulls the hub's feed through the hub's own routes (no socket needed here).
  const viaHub = fetchVia(hub.app)
  const hli = await buildTestApp(t, {
    fetch: viaHub,
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: 'feed-62683918bcbeb6182bbcaf2c', UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  const fromHub = await hub.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ establishment: 'HLI', phones: ['07700 900611'] }) })
  t.equal(fromHub.statusCode, 201)
  const local = await hli.app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900612'] }) })
  t.equal(local.statusCode, 201)
  const lift = await hli.app.inject({ method: 'POST', url: `/v1/entries/${local.json().id as string}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
  t.equal(lift.statusCode, 200)
  const synced = await hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  t.equal(synced.json().ok, true)
  const copied = await hli.app.inject({ method: 'GET', url: `/v1/entries/${fromHub.json().id as string}`, headers: auth('admin') })
  t.equal(copied.json().origin, 'hub', 'the hub\'s entry arrived by sync (at start or now)')
  // 600 checks: one flush at 500 queued records, the rest at the next.
  const items = Array.from({ length: 600 }, (_, i) => ({ channel: 'phone', prisoner: 'A1234BC', phone: i % 2 === 0 ? '07700 900611' : '07700 900699' }))
  const batch = await hli.app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items } })
  t.equal(batch.statusCode, 200)
  const trail = await hli.app.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: auth('admin') })
  const actions = new Set(trail.json().items.map((row: { action: string }) => row.action))
  t.ok(actions.has('entry.create') && actions.has('entry.lift') && actions.has('sync.run') && actions.has('check.decide'), 'all four kinds are in the trail')
  t.ok(trail.json().items.length >= 604)

  const hliDb = new Database(hli.config.db)
  t.teardown(() => hliDb.close())
  const report = verifyChain(hliDb, HASH_KEY)
  t.equal(report.ok, true)
  t.equal(report.head, 'verified')
  t.equal(report.checked, trail.json().items.length)
  const hubDb = new Database(hub.config.db)
  t.teardown(() => hubDb.close())
  t.equal(verifyChain(hubDb, HASH_KEY).ok, true, 'the hub\'s chain (its create and the feed it served) too')

  // The script, as an operator runs it, against the live store: intact.
  const keyFile = join(tempDir(t), 'upc-guard.key')
  writeFileSync(keyFile, `${HASH_KEY.toString('hex')}\n`)
  const intact = verify(hli.config.db, '--key', keyFile)
  t.equal(intact.status, 0, intact.stderr)
  t.match(intact.stdout, new RegExp(`^audit chain intact: ${report.checked} rows checked; keyed head verified \\(row ${report.lastId ?? 0}\\)$`, 'm'))
  const last = `${report.lastId ?? 0}:${report.lastHash ?? ''}`
  t.match(intact.stdout, `last row: ${last} (note it elsewhere`)
  const anchored = verify(hli.config.db, '--key', keyFile, '--anchor', last)
  t.equal(anchored.status, 0, anchored.stderr)
  t.match(anchored.stdout, '1 anchor(s) hold')

  // Someone with the file edits a lift's reason behind the daemon's back.
  const liftRow = hliDb.prepare("SELECT id FROM audit WHERE action = 'entry.lift'").pluck().get() as number
  hliDb.exec('DROP TRIGGER audit_no_update')
  hliDb.prepare("UPDATE audit SET reason = 'Lifted by mistake' WHERE id = ?").run(liftRow)
  const broken = verify(hli.config.db, '--key', keyFile)
  t.equal(broken.status, 1, broken.stderr)
  t.match(broken.stdout, `audit chain BROKEN at row ${liftRow} (hash): row ${liftRow} does not match its hash`)
  t.match(broken.stdout, `${liftRow - 1} rows checked intact before it`)
  t.notMatch(broken.stdout, /Lifted by mistake|07700|example\.org/, 'ids only, never a row\'s content')
})

t.test('audit:verify usage errors exit 2', async (t) => {
  const missing = verify(join(tempDir(t), 'nothing.db'))
  t.equal(missing.status, 2)
  t.match(missing.stderr, /no store at/)
  const notStore = join(tempDir(t), 'other.db')
  new Database(notStore).close()
  const other = verify(notStore, '--no-key')
  t.equal(other.status, 2)
  t.match(other.stderr, /has no audit chain/)
  const option = verify(notStore, '--frobnicate')
  t.equal(option.status, 2)
  const anchor = verify(notStore, '--anchor', '12:not-a-hash')
  t.equal(anchor.status, 2)
  t.match(anchor.stderr, /--anchor needs ID:HASH/)
})
