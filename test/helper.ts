import { spawn } from 'node:child_process'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import type { Test } from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { Config } from '../src/config.js'
import { createLogger } from '../src/logger.js'
import { rawPublicKey, signChange, signerFrom } from '../src/domain/feed-signature.js'
import type { FeedSigner } from '../src/domain/feed-signature.js'

/** Raw tokens of the test clients (UPC_TOKENS form); only their hashes reach the daemon. */
export const TOKENS = {
  admin: 'admin-e55abfdba58889183472937f',
  check: 'check-acb000e2f31632eeac66e0e2',
  feed: 'feed-62683918bcbeb6182bbcaf2c',
  feedLei: 'feed-lei-08cab2f983f5aa759507495e',
  both: 'both-947290bd736372bcbe8637d1',
  metrics: 'metrics-ab983a71c253e17b75b02c92'
} as const

export const CLIENTS = [
  { name: 'spoc', roles: ['admin'], token: TOKENS.admin },
  { name: 'pbx', roles: ['check'], token: TOKENS.check },
  { name: 'downstream', roles: ['feed'], token: TOKENS.feed, establishment: 'HLI' },
  { name: 'downstream-lei', roles: ['feed'], token: TOKENS.feedLei, establishment: 'LEI' },
  { name: 'console', roles: ['admin', 'check'], token: TOKENS.both },
  { name: 'prometheus', roles: ['metrics'], token: TOKENS.metrics }
]

export const HASH_KEY = Buffer.alloc(32, 7)
/** The AES-256-GCM key test stores are sealed under (data at rest). */
export const DATA_KEY = Buffer.alloc(32, 8)

/** An Ed25519 feed signer made from a fixed seed byte (PKCS#8 DER of a 32-byte seed, RFC 8410). */
export function testSigner (seed: number): FeedSigner {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seed)])
  return signerFrom(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }))
}

/** The raw public key of a signer, base64 (an upstream.publicKeys form). */
export const publicKeyOf = (signer: FeedSigner): string => rawPublicKey(createPublicKey(signer.privateKey)).toString('base64')

/** The feed signing key every test hub has, and every test establishment trusts, unless told. */
export const HUB_SIGNER = testSigner(9)

/**
 * A page as a hub with `signer` would serve it to `establishment`: each item that has the shape of
 * a change gets its signature, anything else (a malformed item, on purpose) goes as it is.
 */
export function signPage (page: unknown, establishment = 'HLI', signer = HUB_SIGNER): unknown {
  const changes = (page as { changes?: unknown }).changes
  if (!Array.isArray(changes)) return page
  return {
    ...(page as object),
    changes: changes.map((item: unknown) => {
      const change = item as { seq?: unknown, op?: unknown, entry?: unknown }
      return typeof change === 'object' && change !== null && typeof change.seq === 'number' && typeof change.op === 'string'
        ? { ...change, ...signChange(signer, establishment, change as { seq: number, op: string, entry: unknown }) }
        : item
    })
  }
}

export const auth = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` })

export interface TestAppOptions {
  env?: Record<string, string>
  /** a fake clock (epoch ms) instead of sleeping */
  clock?: () => number
  /** write the log to this file (synchronously, so a test can read it at once) */
  logFile?: string
  /** reuse this folder (a restart on the same database) */
  dir?: string
  logLevel?: string
  /**
   * how this daemon fetches the hub's feed; the requests feed and the outcomes sent up are answered
   * apart (nothing waiting, outcomes taken), so that a test's own replies go to the entries feed,
   * unless `fetchServesRequests` says the fetch answers them itself (a real hub behind it)
   */
  fetch?: typeof fetch
  fetchServesRequests?: boolean
  /** the keys it starts with (default HASH_KEY and DATA_KEY) */
  hashKey?: Buffer
  dataKeys?: Buffer[]
  /** the key it signs its feeds with (default HUB_SIGNER; null: unsigned) */
  feedSigner?: FeedSigner | null
}

/**
 * A fresh temporary folder of its own (t.testdir() is one per test, and two daemons need two).
 * Also: tap removes t.testdir() when the test ends, before the teardown that closes the app, so an
 * app on a testdir found its store gone at close and waited 10 s for its audit thread; this folder
 * goes after the app has closed.
 */
export function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'upc-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * HASH_KEY and DATA_KEY in the key files a daemon or script finds beside a database in `dir`
 * (upc-guard.key, upc-guard.data.key), for a child process that must share a test app's store.
 */
export function writeKeyFiles (dir: string): void {
  writeFileSync(join(dir, 'upc-guard.key'), `${HASH_KEY.toString('hex')}\n`, { mode: 0o600 })
  writeFileSync(join(dir, 'upc-guard.data.key'), `${DATA_KEY.toString('hex')}\n`, { mode: 0o600 })
}

/**
 * A real app on a real SQLite file in a fresh temporary folder, closed when the test ends. It signs
 * the feeds it serves with HUB_SIGNER, and one with an upstream trusts HUB_SIGNER's public key,
 * unless the test's env says otherwise.
 */
export async function buildTestApp (t: Test, options: TestAppOptions = {}) {
  const dir = options.dir ?? tempDir(t)
  const env = options.env ?? {}
  const trustsTestHub = env.UPC_UPSTREAM_URL !== undefined && env.UPC_UPSTREAM_PUBLIC_KEYS === undefined && env.UPC_UPSTREAM_INSECURE_UNSIGNED_FEED === undefined
  const config: Readonly<Config> = loadConfig({
    UPC_DB: join(dir, 'upc-guard.db'),
    UPC_ESTABLISHMENT: 'HLI',
    ...(options.env?.UPC_TOKENS === '' ? {} : { UPC_TOKENS: JSON.stringify(CLIENTS) }),
    UPC_LOG_LEVEL: options.logFile === undefined ? 'silent' : 'info',
    ...(trustsTestHub ? { UPC_UPSTREAM_PUBLIC_KEYS: publicKeyOf(HUB_SIGNER) } : {}),
    ...options.env
  })
  const logger = options.logFile === undefined
    ? pino({ level: 'silent' })
    : createLogger(options.logLevel ?? 'info', pino.destination({ dest: options.logFile, sync: true }))
  const app = await buildApp(config, {
    hashKey: options.hashKey ?? HASH_KEY,
    dataKeys: options.dataKeys ?? [DATA_KEY],
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetchServesRequests === true ? options.fetch : entriesFeedOnly(options.fetch) }),
    feedSigner: options.feedSigner === undefined ? HUB_SIGNER : options.feedSigner
  })
  t.teardown(() => app.close())
  return { app, config, dir }
}

/** `fetch` for the entries feed; the requests feed answers an empty page and an outcome is taken. */
function entriesFeedOnly (fetchImpl: typeof fetch): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname
    if (path === '/v1/feed/requests') return new Response(JSON.stringify({ changes: [], next: 0, hasMore: false }), { status: 200 })
    if (path === '/v1/requests/outcomes') return new Response(JSON.stringify({ result: 'applied' }), { status: 200 })
    return fetchImpl(input, init)
  }) as typeof fetch
}

/** A fetch that serves an establishment the hub's feed through the hub app's own routes (no socket). */
export function fetchVia (hub: FastifyInstance): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input))
    const res = await hub.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: init?.headers as Record<string, string> })
    return new Response(res.body, { status: res.statusCode })
  }
}

/**
 * An entry as the hub's feed carries it: an active establishment block for HLI on these numbers,
 * made at the hub, with `over` laid on top (a lift, other times, another scope).
 */
export function hubEntry (id: string, phones: string[], over: Record<string, unknown> = {}) {
  return {
    id,
    scope: 'establishment',
    prisoner: null,
    establishment: 'HLI',
    status: 'active',
    phones,
    emails: [],
    addresses: [],
    protectedPerson: null,
    addressMode: 'whole',
    reason: 'Victim asked',
    requestRef: null,
    consent: true,
    effectiveFrom: null,
    expiresAt: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    createdBy: 'hub-spoc',
    liftedAt: null,
    liftedBy: null,
    liftReason: null,
    ...over
  }
}

/** A fixture entry with Ofcom drama numbers, example.org emails and a made-up address. */
export function entryBody (overrides: Record<string, unknown> = {}) {
  return {
    scope: 'establishment',
    phones: ['07700 900123'],
    emails: ['jane.victim@example.org'],
    addresses: ['Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'],
    protectedPerson: 'Jane Doe',
    reason: 'Victim asked for no contact from the establishment',
    requestRef: 'UPC-2026-000123',
    consent: true,
    ...overrides
  }
}

/**
 * Another process holds the store's write lock (BEGIN EXCLUSIVE) for `ms` from when `locked`
 * resolves, as an operator's shell could.
 */
export function holdLock (file: string, ms: number): { locked: Promise<void>, released: Promise<void> } {
  const child = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(${JSON.stringify(file)})
    db.exec('BEGIN EXCLUSIVE')
    process.stdout.write('locked\\n')
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n') }, ${ms})
  `], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const seen = (word: string) => new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); if (out.includes(word)) resolve() })
    child.on('exit', () => (out.includes(word) ? resolve() : reject(new Error(`the lock holder exited before "${word}"`))))
  })
  return { locked: seen('locked'), released: seen('released') }
}
