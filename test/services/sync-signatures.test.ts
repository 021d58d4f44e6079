import { createHash, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { signChange } from '../../src/domain/feed-signature.js'
import type { FeedSigner } from '../../src/domain/feed-signature.js'
import { HUB_SIGNER, TOKENS, auth, buildTestApp, entryBody, publicKeyOf, tempDir, testSigner } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']
type Change = { seq: number, op: string, entry: Record<string, unknown>, signed?: string, sig?: string, kid?: string }
type Page = { changes: Change[], next: number, hasMore: boolean }

/** The key id by its rule, worked out here: SHA-256 of the raw 32-byte public key, 16 hex. */
const kidOf = (signer: FeedSigner) =>
  createHash('sha256').update(createPublicKey(signer.privateKey).export({ format: 'der', type: 'spki' }).subarray(12)).digest('hex').slice(0, 16)

/** A hub on a real loopback port, signing with `signer` (null: unsigned). */
async function startHub (t: Test, signer: FeedSigner | null, dir?: string) {
  const hub = await buildTestApp(t, { feedSigner: signer, env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' }, ...(dir === undefined ? {} : { dir }) })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const address = hub.app.server.address()
  return { ...hub, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}` }
}

/**
 * An establishment that fetches its feed from `hub().url` over the socket, through `tamper` (a
 * man in the middle: it may rewrite each page before the establishment reads it).
 */
async function startEstablishment (t: Test, hub: () => { url: string }, env: Record<string, string>, tamper: { page: ((page: Page) => Page) | null } = { page: null }, logFile?: string) {
  const via = (async (input: URL | string, init?: RequestInit) => {
    const url = new URL(String(input))
    const res = await fetch(`${hub().url}${url.pathname}${url.search}`, init)
    const body = await res.text()
    if (res.status !== 200 || tamper.page === null) return new Response(body, { status: res.status })
    return new Response(JSON.stringify(tamper.page(JSON.parse(body) as Page)), { status: 200 })
  }) as typeof fetch
  const est = await buildTestApp(t, {
    fetch: via,
    ...(logFile === undefined ? {} : { logFile }),
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *', ...env }
  })
  await est.app.ready()
  await sync(est.app) // after the run every daemon makes at start
  return { ...est, tamper }
}

async function sync (app: App) {
  const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}`)
  return res.json() as { ok: boolean, applied: number, removed: number, quarantined: number, cursor: number }
}
const decision = async (app: App, prisoner: string, phone: string) =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner, phone } })).json().decision
const create = async (app: App, body: Record<string, unknown>) =>
  (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ emails: [], addresses: [], ...body }) })).json() as { id: string }
const lift = async (app: App, id: string) =>
  app.inject({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })
const trail = async (app: App, action: string) =>
  (await app.inject({ method: 'GET', url: `/v1/audit?action=${action}&limit=100`, headers: auth('admin') })).json().items as Array<{ entryId: string | null, reason: string | null, detail: { seq: number | null, kid: string | null, status?: string } }>
const quarantined = async (app: App) =>
  (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json().quarantine as Array<{ seq: number, entryId: string, reason: string }>

const OTHER = testSigner(21)
const trusted = { UPC_UPSTREAM_PUBLIC_KEYS: publicKeyOf(HUB_SIGNER) }

t.test('a signed feed applies; each applied and removed change is audited with the id of the key that signed it', async (t) => {
  const hub = await startHub(t, HUB_SIGNER)
  const hli = await startEstablishment(t, () => hub, trusted)
  const personal = await create(hub.app, { scope: 'prisoner', prisoner: 'A1234BC', establishment: 'HLI', phones: ['07700 900801'] })
  const report = await sync(hli.app)
  t.same([report.ok, report.applied, report.quarantined], [true, 1, 0])
  t.equal(await decision(hli.app, 'A1234BC', '07700 900801'), 'block')
  t.equal((await hub.app.inject({ method: 'POST', url: '/v1/prisoners/A1234BC/transfer', headers: auth('admin'), payload: { to: 'LEI' } })).statusCode, 200)
  t.equal((await sync(hli.app)).removed, 1)
  t.equal(await decision(hli.app, 'A1234BC', '07700 900801'), 'allow')
  const kid = kidOf(HUB_SIGNER)
  t.same((await trail(hli.app, 'sync.apply')).map((row) => [row.entryId, row.detail.kid, row.detail.status]), [[personal.id, kid, 'active']])
  t.same((await trail(hli.app, 'sync.remove')).map((row) => [row.entryId, row.detail.kid]), [[personal.id, kid]])
})

t.test('a lift or remove that is unsigned, tampered or wrongly signed is quarantined with its reason, and the block goes on blocking', async (t) => {
  const resign = (signer: FeedSigner, kid: string) => (change: Change): Change => ({ ...change, ...signChange(signer, 'HLI', change), kid })
  const cases: Array<{ name: string, reason: string, kid: string | null, tamper: (change: Change) => Change }> = [
    { name: 'unsigned', reason: 'signature missing', kid: null, tamper: ({ seq, op, entry }) => ({ seq, op, entry }) },
    { name: 'tampered entry', reason: 'the change differs from what was signed', kid: kidOf(HUB_SIGNER), tamper: (change) => ({ ...change, entry: { ...change.entry, liftReason: 'Forged' } }) },
    { name: 'tampered seq', reason: 'the signature is for another place in the feed', kid: kidOf(HUB_SIGNER), tamper: (change) => ({ ...change, seq: change.seq + 1 }) },
    { name: 'bytes of the signature changed', reason: 'signature does not verify', kid: kidOf(HUB_SIGNER), tamper: (change) => ({ ...change, sig: `${change.sig?.startsWith('A') === true ? 'B' : 'A'}${change.sig?.slice(1) ?? ''}` }) },
    { name: 'signed by a key not listed', reason: 'unknown key id', kid: kidOf(OTHER), tamper: (change) => resign(OTHER, kidOf(OTHER))(change) },
    { name: 'signed by another key under the hub\'s key id', reason: 'signature does not verify', kid: kidOf(HUB_SIGNER), tamper: (change) => resign(OTHER, kidOf(HUB_SIGNER))(change) }
  ]
  const hub = await startHub(t, HUB_SIGNER)
  for (const [i, kind] of cases.entries()) {
    await t.test(kind.name, async (t) => {
      const hli = await startEstablishment(t, () => hub, trusted)
      const phone = `07700 9008${String(10 + i)}`
      const block = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: [phone] })
      t.equal((await sync(hli.app)).applied, 1)
      t.equal(await decision(hli.app, 'A1234BC', phone), 'block')
      t.equal((await lift(hub.app, block.id)).statusCode, 200)
      hli.tamper.page = (page) => {
        const changes = page.changes.map((change) => (change.entry.id === block.id ? kind.tamper(change) : change))
        return { ...page, changes, next: Math.max(page.next, ...changes.map((change) => change.seq)) }
      }
      const report = await sync(hli.app)
      t.same([report.ok, report.applied, report.quarantined], [true, 0, 1], 'the lift is not applied')
      t.equal(await decision(hli.app, 'A1234BC', phone), 'block', 'the block goes on blocking')
      t.same((await quarantined(hli.app)).map((q) => [q.entryId, q.reason]), [[block.id, kind.reason]])
      t.same((await trail(hli.app, 'sync.quarantine')).map((row) => [row.entryId, row.reason, row.detail.kid]), [[block.id, kind.reason, kind.kid]])
    })
  }

  await t.test('a remove signed for another establishment (its copy of the same change)', async (t) => {
    const national = await create(hub.app, { scope: 'national', phones: ['07700 900830'] })
    const hli = await startEstablishment(t, () => hub, trusted)
    t.equal(await decision(hli.app, 'C3456DE', '07700 900830'), 'block')
    t.equal((await lift(hub.app, national.id)).statusCode, 200)
    // LEI's feed carries the same lift, at the same seq (national), signed for LEI.
    const leiPage = (await hub.app.inject({ method: 'GET', url: '/v1/feed?since=0', headers: auth('feedLei') })).json() as Page
    const leiCopy = leiPage.changes.find((change) => change.entry.id === national.id)
    t.equal(leiCopy?.entry.status, 'lifted')
    hli.tamper.page = (page) => ({ ...page, changes: page.changes.map((change) => (change.entry.id === national.id && leiCopy !== undefined ? leiCopy : change)) })
    const report = await sync(hli.app)
    t.same([report.applied, report.quarantined], [0, 1])
    t.equal(await decision(hli.app, 'C3456DE', '07700 900830'), 'block', 'the block goes on blocking')
    t.same((await quarantined(hli.app)).map((q) => q.reason), ['the signature is for another establishment'])
  })

  await t.test('an unsigned remove (a transfer away) leaves the prisoner\'s block in force', async (t) => {
    const hli = await startEstablishment(t, () => hub, trusted)
    const personal = await create(hub.app, { scope: 'prisoner', prisoner: 'B2345CD', establishment: 'HLI', phones: ['07700 900831'] })
    await sync(hli.app)
    t.equal(await decision(hli.app, 'B2345CD', '07700 900831'), 'block')
    t.equal((await hub.app.inject({ method: 'POST', url: '/v1/prisoners/B2345CD/transfer', headers: auth('admin'), payload: { to: 'LEI' } })).statusCode, 200)
    hli.tamper.page = (page) => ({ ...page, changes: page.changes.map(({ seq, op, entry }) => ({ seq, op, entry })) })
    const report = await sync(hli.app)
    t.same([report.removed, report.quarantined], [0, 1])
    t.equal(await decision(hli.app, 'B2345CD', '07700 900831'), 'block', 'the block goes on blocking')
    t.same((await quarantined(hli.app)).map((q) => [q.entryId, q.reason]), [[personal.id, 'signature missing']])
    t.same(await trail(hli.app, 'sync.remove'), [], 'nothing removed')
  })
})

t.test('key roll-over: with two keys listed, changes signed by either apply; a key taken off the list is refused', async (t) => {
  const [oldKey, newKey] = [testSigner(31), testSigner(32)]
  const dir = tempDir(t)
  let hub = await startHub(t, oldKey, dir)
  const both = await startEstablishment(t, () => hub, { UPC_UPSTREAM_PUBLIC_KEYS: `${publicKeyOf(oldKey)},${publicKeyOf(newKey)}` })
  const oldOnly = await startEstablishment(t, () => hub, { UPC_UPSTREAM_PUBLIC_KEYS: publicKeyOf(oldKey) })
  const first = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900841'] })
  t.equal((await sync(both.app)).applied, 1, 'signed by the old key')
  t.equal((await sync(oldOnly.app)).applied, 1)

  // The hub restarts with the new key.
  await hub.app.close()
  hub = await startHub(t, newKey, dir)
  const second = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900842'] })
  t.same(await sync(both.app).then((r) => [r.applied, r.quarantined]), [1, 0], 'signed by the new key')
  t.equal(await decision(both.app, 'A1234BC', '07700 900842'), 'block')
  t.same((await trail(both.app, 'sync.apply')).map((row) => [row.entryId, row.detail.kid]).reverse(), [[first.id, kidOf(oldKey)], [second.id, kidOf(newKey)]])
  t.same(await sync(oldOnly.app).then((r) => [r.applied, r.quarantined]), [0, 1], 'an establishment that lists the old key only')
  t.same((await quarantined(oldOnly.app)).map((q) => q.reason), ['unknown key id'])

  // The change-over done: an establishment listing the new key only reads everything from 0.
  const newOnly = await startEstablishment(t, () => hub, { UPC_UPSTREAM_PUBLIC_KEYS: publicKeyOf(newKey) })
  t.equal(await decision(newOnly.app, 'A1234BC', '07700 900841'), 'block')
  t.equal(await decision(newOnly.app, 'A1234BC', '07700 900842'), 'block')
})

t.test('a hub with no signing key: an integrator reads the feed as before; a verifying establishment applies none of it', async (t) => {
  const hub = await startHub(t, null)
  const entry = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900851'] })
  const res = await fetch(`${hub.url}/v1/feed?since=0`, { headers: auth('feed') })
  t.equal(res.status, 200)
  const page = await res.json() as Page
  t.same(page.changes.map((change) => [change.op, change.entry.id, change.entry.phones]), [['upsert', entry.id, ['07700 900851']]])
  t.same(Object.keys(page.changes[0] ?? {}).sort(), ['entry', 'op', 'seq'], 'no signature fields')

  const verifying = await startEstablishment(t, () => hub, trusted)
  t.same((await quarantined(verifying.app)).map((q) => q.reason), ['signature missing'], 'the run at start')
  t.equal(await decision(verifying.app, 'A1234BC', '07700 900851'), 'allow', 'nothing applied')

  const logFile = join(tempDir(t), 'log.ndjson')
  const unverified = await startEstablishment(t, () => hub, { UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true' }, undefined, logFile)
  t.equal(await decision(unverified.app, 'A1234BC', '07700 900851'), 'block', 'applied, unverified, when the operator says so')
  t.same((await trail(unverified.app, 'sync.apply')).map((row) => row.detail.kid), [null])
  const warnings = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('applied unverified'))
  t.equal(warnings.length, 2, 'each run says so: the one at start and the one asked for')
})

t.test('a signing hub\'s feed is still read by a client that does not verify: the signature is additive', async (t) => {
  const hub = await startHub(t, HUB_SIGNER)
  const entry = await create(hub.app, { scope: 'establishment', establishment: 'HLI', phones: ['07700 900861'] })
  const page = await (await fetch(`${hub.url}/v1/feed?since=0`, { headers: auth('feed') })).json() as Page
  const change = page.changes[0]
  t.same([change?.op, change?.entry.id, change?.entry.phones], ['upsert', entry.id, ['07700 900861']])
  t.equal(change?.kid, kidOf(HUB_SIGNER))
  t.same(JSON.parse(change?.signed ?? 'null'), { format: 'upc-guard-feed-change/1', establishment: 'HLI', seq: change?.seq, op: 'upsert', entry: change?.entry }, 'the signed text names the establishment and the seq')
})
