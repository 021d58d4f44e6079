import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { startSyncJob } from '../../src/jobs/sync-job.js'
import { createServices } from '../../src/services/create-services.js'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'
import { HASH_KEY, HUB_SIGNER, TOKENS, publicKeyOf, tempDir } from '../helper.js'

const T0 = Date.parse('2026-12-01T12:00:00.000Z')
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A clock stepped back an hour leaves node-cron's next tick an hour away, and the copy stale from
 * the step on: the watchdog, on a timer the wall clock does not move, syncs so the copy is fresh
 * again at once, not in an hour.
 */
t.test('after the clock steps back, the watchdog syncs without waiting for the cron', async (t) => {
  let now = T0
  const asked: number[] = []
  const hub = (async () => {
    asked.push(now)
    return new Response(JSON.stringify({ changes: [], next: 0, hasMore: false }), { status: 200, headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
  const db = openDatabase(join(tempDir(t), 'hli.db'))
  migrate(db)
  const config = loadConfig({ UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_UPSTREAM_PUBLIC_KEYS: publicKeyOf(HUB_SIGNER) })
  const services = createServices(db, config, { hashKey: HASH_KEY, clock: () => now, logger: pino({ level: 'silent' }), fetch: hub })
  const job = startSyncJob(services.sync, '0 0 1 1 *', pino({ level: 'silent' }), 20)
  t.teardown(async () => { await job.stop(); services.auditWriter.close(); db.close() })

  for (let i = 0; i < 200 && services.sync.staleness() !== 'fresh'; i++) await later(10)
  t.equal(services.sync.staleness(), 'fresh', 'the run at start')
  const runs = asked.length
  await later(100)
  t.equal(asked.length, runs, 'fresh: the watchdog does nothing')

  now = T0 - 3_600_000
  t.equal(services.sync.staleness(), 'fail', 'an hour back: the copy\'s age is unknown')
  for (let i = 0; i < 200 && services.sync.staleness() !== 'fresh'; i++) await later(10)
  t.equal(services.sync.staleness(), 'fresh', 'the watchdog synced at the new time')
  t.ok(asked.length > runs, 'without the cron')
  t.equal(asked[asked.length - 1], now)
})
