/**
 * Where a sync's time goes, in one process and without sockets: a hub store with N
 * entries for one establishment, an empty establishment store, and the establishment's real sync
 * service pulling the hub's real feed service through a fetch that calls it directly. Prints the
 * hub's share (reading a page and turning it into JSON text) and the establishment's (everything
 * else: parsing, validating, keying, sealing, writing, the index), in CPU milliseconds, per entry.
 * Run it under `node --cpu-prof --import tsx` for a profile of both sides in one file.
 *
 *   npx tsx scripts/bench/sync-phases.ts [--entries 20000] [--page 100] [--hub-dir DIR] [--dist]
 *
 * With `--dist`, the services are the built ones (npm run build first), as the daemon runs them;
 * only then do worker threads start (a thread cannot load a .ts file under tsx).
 *
 * With `--hub-dir`, the hub's store is kept in DIR and used again by the next run (made if missing),
 * so that a profile shows the sync and not the filling.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pino from 'pino'
import { loadConfig } from '../../src/config.js'
import type { createServices as CreateServices } from '../../src/services/create-services.js'
import type { openDatabase as OpenDatabase } from '../../src/store/db.js'
import type { migrate as Migrate } from '../../src/store/migrations.js'
import { numberArg, textArg } from '../lib/args.js'
import { feedKeys } from '../lib/feed-keys.js'
import { fillStore, storeKeys } from './fill-store.js'

const ENTRIES = numberArg('entries', 20_000)
const PAGE = numberArg('page', 100)
const HUB_DIR = textArg('hub-dir', '')
const HERE = 'BEN'
const from = process.argv.includes('--dist') ? '../../dist' : '../../src'
const { createServices } = await import(`${from}/services/create-services.js`) as { createServices: typeof CreateServices }
const { openDatabase } = await import(`${from}/store/db.js`) as { openDatabase: typeof OpenDatabase }
const { migrate } = await import(`${from}/store/migrations.js`) as { migrate: typeof Migrate }
const say = (line: string) => process.stdout.write(`${line}\n`)
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-sync-phases-'))
  const hubFile = join(HUB_DIR === '' ? dir : HUB_DIR, `hub-${ENTRIES}.db`)
  const hubKey = join(HUB_DIR === '' ? dir : HUB_DIR, `hub-${ENTRIES}.key`)
  if (!existsSync(hubFile)) {
    const fill = fillStore(hubFile, ENTRIES, 'hub', HERE, 2, hubKey)
    say(`hub: ${ENTRIES} entries, ${fill.details} details, filled in ${fill.seconds.toFixed(1)} s`)
  }
  const logger = pino({ level: 'silent' })
  const keys = feedKeys(dir)
  const hubDb = openDatabase(hubFile)
  const hub = createServices(hubDb, loadConfig({ UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubFile, UPC_KEY_FILE: hubKey }), { ...storeKeys(hubFile, hubKey), clock: Date.now, logger, feedSigner: keys.signer() })
  let hubMs = 0
  let pages = 0
  const viaFeed: typeof fetch = async (input) => {
    const started = cpuMs()
    const url = new URL(String(input))
    const page = hub.feed.page(HERE, Number(url.searchParams.get('since')), Number(url.searchParams.get('limit')))
    const body = JSON.stringify(page)
    hubMs += cpuMs() - started
    pages++
    return new Response(body, { status: 200 })
  }
  const estFile = join(dir, 'establishment.db')
  const estKey = join(dir, 'establishment.key')
  const estDb = openDatabase(estFile)
  migrate(estDb)
  const config = loadConfig({ UPC_ESTABLISHMENT: HERE, UPC_DB: estFile, UPC_KEY_FILE: estKey, UPC_UPSTREAM_URL: 'http://127.0.0.1:9', UPC_UPSTREAM_TOKEN: 'sync-phases-4f0c9a2e7b13d865c0a9', ...keys.establishment })
  const est = createServices(estDb, { ...config, sync: { ...config.sync, pageSize: PAGE } }, { ...storeKeys(estFile, estKey), clock: Date.now, logger, fetch: viaFeed })
  const startedCpu = cpuMs()
  const started = performance.now()
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const report = await est.sync.run('bench')
  delay.disable()
  const wallMs = performance.now() - started
  const allMs = cpuMs() - startedCpu
  const estMs = allMs - hubMs
  say(`pid ${process.pid}`)
  say(`sync: ${report.applied} applied, ${report.quarantined} quarantined, ${pages} pages of ${PAGE}, ok ${report.ok}, in ${(wallMs / 1000).toFixed(2)} s wall`)
  const ms = (ns: number) => (ns / 1e6).toFixed(1)
  say(`event loop delay meanwhile (what a check would wait): p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`)
  say(`CPU a entry: hub ${(1000 * hubMs / report.applied).toFixed(1)} us, establishment ${(1000 * estMs / report.applied).toFixed(1)} us; index ${est.indexState.index.size} entries`)
  est.auditWriter.close()
  hub.auditWriter.close()
  estDb.close()
  hubDb.close()
  rmSync(dir, { recursive: true, force: true })
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`sync-phases failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
