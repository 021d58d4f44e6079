/**
 * The rate limits under the two floods of the hardening review, at the default settings, on one
 * in-process daemon with a fixed clock (one window throughout):
 *   npx tsx scripts/limits-flood.ts
 * 1. one 404 from each of 10,000 loopback addresses, 121,000 from one more, then the mail room's
 *    check from that same address: it must be answered, not 429;
 * 2. 3,000 wrong tokens from one address: past http.authFailures.max, 429.
 * Prints the status counts and the mail room's answer; leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'

const dir = mkdtempSync(join(tmpdir(), 'upc-limits-'))
const CHECK = 'measure-check-5e0b9c1a7d2f48e3b6c4'
const config = loadConfig({ UPC_DB: join(dir, 'upc.db'), UPC_ESTABLISHMENT: 'HLI', UPC_TOKENS: JSON.stringify([{ name: 'mailroom', roles: ['check'], token: CHECK }]) })
const app = await buildApp(config, { hashKey: Buffer.alloc(32, 7), dataKeys: [Buffer.alloc(32, 8)], logger: pino({ level: 'silent' }), clock: () => Date.parse('2026-03-01T10:00:00Z') })

/** Status code -> how many, for `n` requests made by `request(i)`. */
async function tally (n: number, request: (i: number) => Promise<{ statusCode: number }>): Promise<Record<number, number>> {
  const counts: Record<number, number> = {}
  for (let i = 0; i < n; i++) {
    const { statusCode } = await request(i)
    counts[statusCode] = (counts[statusCode] ?? 0) + 1
  }
  return counts
}

const started = performance.now()
const flood = await tally(10_000, (i) => app.inject({ method: 'GET', url: '/no-such-page', remoteAddress: `127.1.${i >> 8}.${i & 255}` }))
const oneMore = await tally(121_000, () => app.inject({ method: 'GET', url: '/no-such-page', remoteAddress: '127.2.0.1' }))
const check = await app.inject({
  method: 'POST', url: '/v1/check', remoteAddress: '127.2.0.1', headers: { authorization: `Bearer ${CHECK}` },
  payload: { channel: 'mail', prisoner: 'A1234BC', address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' }
})
console.log({ flood, oneMore, mailRoom: check.statusCode, decision: (check.json() as { decision: string }).decision, seconds: ((performance.now() - started) / 1000).toFixed(1) })
const wrongTokens = await tally(3000, (i) => app.inject({
  method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', remoteAddress: '192.0.2.10',
  headers: { authorization: `Bearer guess-${String(i).padStart(8, '0')}-zzzzzzzzzzzz` }
}))
console.log({ wrongTokens })
await app.close()
rmSync(dir, { recursive: true, force: true })
