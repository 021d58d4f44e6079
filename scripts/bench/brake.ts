/**
 * What the brake on removals costs a sync, and what a release costs: an establishment fed by a
 * scripted hub takes N blocks, then a page of N lifts (in pages of `page-size`). With the brake
 * set past N every lift is applied (the gate reads each lifted block before it writes); with the
 * defaults all but the threshold are held, then released in one transaction.
 *
 *   npx tsx scripts/bench/brake.ts --blocks 2000 --page-size 100
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { numberArg } from '../lib/args.js'

const BLOCKS = numberArg('blocks', 2000)
const PAGE = numberArg('page-size', 100)
const ADMIN = 'bench-admin-token-0123456789'
const say = (line: string) => process.stdout.write(`${line}\n`)

const entry = (i: number, lifted: boolean) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  scope: 'establishment', prisoner: null, establishment: 'HLI', status: lifted ? 'lifted' : 'active',
  phones: [`07700 9${String(i % 100000).padStart(5, '0')}`], emails: [], addresses: [], protectedPerson: null, addressMode: 'whole',
  reason: 'Victim asked', requestRef: null, consent: true, effectiveFrom: null, expiresAt: null,
  createdAt: '2026-11-20T10:00:00.000Z', createdBy: 'hub-spoc',
  liftedAt: lifted ? '2026-12-01T10:00:00.000Z' : null, liftedBy: lifted ? 'hub-spoc' : null, liftReason: lifted ? 'Asked' : null
})

async function once (brake: { maxRemovals: number, percent: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-brake-bench-'))
  const changes = [
    ...Array.from({ length: BLOCKS }, (_, k) => ({ seq: k + 1, op: 'upsert', entry: entry(k + 1, false) })),
    ...Array.from({ length: BLOCKS }, (_, k) => ({ seq: BLOCKS + k + 1, op: 'upsert', entry: entry(k + 1, true) }))
  ]
  let upTo = 0
  let serveTo = BLOCKS
  const fetchImpl = (async (url: URL) => {
    const since = Number(url.searchParams.get('since'))
    const page = changes.filter((c) => c.seq > since && c.seq <= serveTo).slice(0, PAGE)
    upTo = page.length === 0 ? since : (page.at(-1) as { seq: number }).seq
    return new Response(JSON.stringify({ changes: page, next: upTo, hasMore: upTo < serveTo }), { status: 200 })
  }) as unknown as typeof fetch
  const config = loadConfig({
    UPC_DB: join(dir, 'est.db'), UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'https://hub.invalid', UPC_UPSTREAM_TOKEN: 'bench-feed-token-0123456789',
    UPC_SYNC_CRON: '0 0 1 1 *', UPC_TOKENS: JSON.stringify([{ name: 'spoc', roles: ['admin'], token: ADMIN }]),
    UPC_SYNC_MAX_REMOVALS: String(brake.maxRemovals), UPC_SYNC_MAX_REMOVALS_PERCENT: String(brake.percent)
  })
  const app = await buildApp(config, { hashKey: Buffer.alloc(32, 7), dataKeys: [Buffer.alloc(32, 8)], logger: pino({ level: 'silent' }), fetch: fetchImpl })
  await app.ready()
  const headers = { authorization: `Bearer ${ADMIN}` }
  await app.inject({ method: 'POST', url: '/v1/sync', headers })
  serveTo = 2 * BLOCKS
  const started = performance.now()
  const report = (await app.inject({ method: 'POST', url: '/v1/sync', headers })).json()
  const syncMs = performance.now() - started
  say(`brake ${brake.maxRemovals}/${brake.percent}%: ${BLOCKS} lifts in pages of ${PAGE}: applied ${report.applied}, held ${report.held} in ${syncMs.toFixed(0)} ms (${(BLOCKS / (syncMs / 1000)).toFixed(0)} lifts/s)`)
  if (report.held > 0) {
    const at = performance.now()
    const released = (await app.inject({ method: 'POST', url: '/v1/sync/held/release', headers, payload: { all: true, reason: 'bench' } })).json()
    say(`  release all: ${released.changes.length} held lifts applied in one transaction in ${(performance.now() - at).toFixed(0)} ms`)
  }
  await app.close()
  rmSync(dir, { recursive: true, force: true })
}

await once({ maxRemovals: 1_000_000, percent: 100 })
await once({ maxRemovals: 25, percent: 10 })
