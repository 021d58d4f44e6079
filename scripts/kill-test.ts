/**
 * Crash safety, proven (docs/SYNC.md, How sync behaves): a hub with N entries, an establishment syncing with a small page
 * size, killed with SIGKILL at random moments K times and restarted each time, while the hub keeps
 * changing. At the end the establishment must hold exactly the hub's entries for it (same ids,
 * same statuses), none twice, with its cursor at the hub's last relevant sequence.
 *
 *   npm run kill-test -- --entries 20000 --kills 20 --page-size 200
 *
 * Prints what it did and the figures; exits 1 on any loss.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pino from 'pino'
import { loadConfig } from '../src/config.js'
import { createServices } from '../src/services/create-services.js'
import { loadDataKeys, loadHashKey } from '../src/services/key-file.js'
import { openDatabase } from '../src/store/db.js'
import { migrate } from '../src/store/migrations.js'
import { api, startDaemon } from './lib/daemon.js'
import type { Daemon } from './lib/daemon.js'
import { numberArg } from './lib/args.js'
import { feedKeys } from './lib/feed-keys.js'

const ENTRIES = numberArg('entries', 20_000)
const KILLS = numberArg('kills', 20)
const PAGE_SIZE = numberArg('page-size', 200)
const ADMIN = 'kill-test-admin-3562ffccbc3c726fdd9cf34d'
const FEED = 'kill-test-feed-821f1af6e7fd24f453c39ca3'
const say = (line: string) => process.stdout.write(`${line}\n`)
const pad = (n: number, width: number) => String(n).padStart(width, '0')

const dir = mkdtempSync(join(tmpdir(), 'upc-kill-test-'))
const hubDb = join(dir, 'hub.db')
const estDb = join(dir, 'hli.db')

/** Seeds the hub through the real entries service (faster than HTTP for tens of thousands). */
function seedHub (): void {
  const db = openDatabase(hubDb)
  migrate(db)
  db.pragma('synchronous = OFF') // seeding speed only; the daemons run with FULL
  const config = loadConfig({ UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubDb, UPC_KEY_FILE: join(dir, 'hub.key') })
  // The keys the hub daemon will start with: the store is sealed and keyed under them.
  const keys = { hashKey: loadHashKey(config), dataKeys: loadDataKeys(config) }
  const { entries, auditWriter } = createServices(db, config, { ...keys, clock: Date.now, logger: pino({ level: 'silent' }) })
  for (let i = 0; i < ENTRIES; i++) {
    const phone = `07700 900${pad(i % 1000, 3)}`
    const email = `person.${i}@example.org`
    const kind = i % 10
    const body = kind < 6
      ? { scope: 'establishment' as const, establishment: 'HLI' }
      : kind < 7
        ? { scope: 'national' as const }
        : kind < 9
          ? { scope: 'prisoner' as const, prisoner: `A${pad(i % 10000, 4)}BC`, establishment: 'HLI' }
          : { scope: 'establishment' as const, establishment: 'LEI' }
    entries.create({ ...body, phones: [phone], emails: [email], reason: 'synthetic' }, 'seed')
  }
  auditWriter.close()
  db.close()
}

/** What the hub holds for HLI, read from its store: id -> status, and its last relevant seq. */
function hubTruth (): { expected: Map<string, string>, lastSeq: number } {
  const db = new Database(hubDb, { readonly: true })
  const rows = db.prepare(`SELECT id, status FROM entries WHERE scope = 'national'
    OR (scope IN ('establishment', 'prisoner') AND establishment = 'HLI')`).all() as Array<{ id: string, status: string }>
  const lastSeq = db.prepare("SELECT MAX(seq) FROM changes WHERE audience IN ('HLI', '*')").pluck().get() as number
  db.close()
  return { expected: new Map(rows.map((row) => [row.id, row.status])), lastSeq }
}

function establishmentHolds (): { held: Map<string, string>, count: number, cursor: number } {
  const db = new Database(estDb, { readonly: true })
  const rows = db.prepare("SELECT id, status FROM entries WHERE origin = 'hub'").all() as Array<{ id: string, status: string }>
  const cursor = db.prepare('SELECT cursor FROM sync_state WHERE id = 1').pluck().get() as number
  db.close()
  return { held: new Map(rows.map((row) => [row.id, row.status])), count: rows.length, cursor }
}

async function main (): Promise<void> {
  let started = performance.now()
  seedHub()
  say(`seeded the hub with ${ENTRIES} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  const tokens = JSON.stringify([
    { name: 'admin', roles: ['admin', 'check'], token: ADMIN },
    { name: 'hli-feed', roles: ['feed'], token: FEED, establishment: 'HLI' }
  ])
  const keys = feedKeys(dir)
  const hub = await startDaemon({ ...keys.hub, UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubDb, UPC_TOKENS: tokens, UPC_KEY_FILE: join(dir, 'hub.key') })
  const estConfig = join(dir, 'hli.json')
  const estEnv = (pageSize: number) => {
    // Every lift the hub makes must arrive for the count below: the brake on removals (tested on
    // its own) is set past the lifts this run makes.
    writeFileSync(estConfig, JSON.stringify({ sync: { pageSize, removalBrake: { maxRemovals: 1_000_000, percent: 100 } } }))
    return { UPC_ESTABLISHMENT: 'HLI', UPC_DB: estDb, UPC_TOKENS: tokens, UPC_UPSTREAM_URL: hub.base, UPC_UPSTREAM_TOKEN: FEED, UPC_CONFIG: estConfig, UPC_KEY_FILE: join(dir, 'hli.key'), UPC_SYNC_CRON: '* * * * * *', ...keys.establishment }
  }

  // 1. The time to sync everything from empty, with the default page size.
  started = performance.now()
  let est: Daemon = await startDaemon(estEnv(500))
  // The run every daemon makes at start does the work; this one is queued behind it.
  await api(est.base, ADMIN, 'POST', '/v1/sync')
  const syncSeconds = (performance.now() - started) / 1000
  const { expected: seedExpected } = hubTruth()
  say(`synced ${establishmentHolds().count} of the hub's ${seedExpected.size} entries for HLI (of ${ENTRIES} in all) from empty in ${syncSeconds.toFixed(1)} s, daemon start included`)
  est.child.kill('SIGKILL')
  await est.exited
  rmSync(estDb, { force: true })
  rmSync(`${estDb}-wal`, { force: true })
  rmSync(`${estDb}-shm`, { force: true })

  // 2. Kill it at random moments while it syncs from empty with a small page size, and while the
  //    hub keeps changing (lifts and new entries between kills).
  const ids = [...seedExpected.keys()]
  let hubChanges = 0
  for (let cycle = 1; cycle <= KILLS; cycle++) {
    est = await startDaemon(estEnv(PAGE_SIZE))
    await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 700))
    for (let i = 0; i < 5; i++) {
      const id = ids[Math.floor(Math.random() * ids.length)] as string
      const lift = await api(hub.base, ADMIN, 'POST', `/v1/entries/${id}/lift`, { reason: 'kill test lift' })
      if (lift.status === 200) hubChanges++
    }
    const created = await api(hub.base, ADMIN, 'POST', '/v1/entries', { scope: 'establishment', establishment: 'HLI', phones: [`07700 900${pad(cycle, 3)}`], reason: 'kill test entry' })
    if (created.status === 201) hubChanges++
    est.child.kill('SIGKILL')
    await est.exited
    const { count, cursor } = establishmentHolds()
    say(`kill ${cycle}/${KILLS}: establishment held ${count} hub entries at cursor ${cursor}`)
  }

  // 3. Restart once more and let it finish.
  est = await startDaemon(estEnv(PAGE_SIZE))
  let report = await api(est.base, ADMIN, 'POST', '/v1/sync')
  while (report.json.ok !== true) report = await api(est.base, ADMIN, 'POST', '/v1/sync')
  est.child.kill('SIGTERM')
  await est.exited
  hub.child.kill('SIGTERM')
  await hub.exited

  const { expected, lastSeq } = hubTruth()
  const { held, count, cursor } = establishmentHolds()
  let missing = 0
  let wrongStatus = 0
  for (const [id, status] of expected) {
    const mine = held.get(id)
    if (mine === undefined) missing++
    else if (mine !== status) wrongStatus++
  }
  const extra = [...held.keys()].filter((id) => !expected.has(id)).length
  const duplicates = count - held.size
  const losses = missing + wrongStatus + extra + duplicates + (cursor === lastSeq ? 0 : 1)
  say(`cycles: ${KILLS} kills; hub entries for HLI: ${expected.size}; hub changes made during the kills: ${hubChanges}`)
  say(`missing: ${missing}, wrong status: ${wrongStatus}, extra: ${extra}, twice: ${duplicates}, cursor ${cursor} vs hub ${lastSeq}`)
  say(`losses: ${losses}`)
  rmSync(dir, { recursive: true, force: true })
  process.exit(losses === 0 ? 0 : 1)
}

main().catch((err: unknown) => {
  process.stderr.write(`kill test failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
