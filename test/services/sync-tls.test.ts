import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, auth, buildTestApp, entryBody, tempDir } from '../helper.js'
import { OPENSSL, makeTestPki } from '../tls-certs.js'
import type { TestPki } from '../tls-certs.js'

/**
 * An establishment pulling from an HTTPS hub over real sockets on loopback, with certificates made
 * by openssl for the test: the right CA syncs; a wrong CA, an expired certificate or a missing client
 * certificate is refused with a sync error that says which, and the index and cursor stay as they were.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

const skip = OPENSSL === null ? 'openssl is not installed (.ci/run installs it): these tests make their certificates with it' : false

const HUB_SUBJECT = 'O=upc-guard test, CN=hub.test'
const NOT_TRUSTED = 'the hub\'s certificate is not signed by a CA this establishment trusts (upstream.caFile)'

const portOf = (address: ReturnType<App['server']['address']>) => (typeof address === 'object' && address !== null ? address.port : 0)

/** The daemon as a hub, serving HTTPS (and requiring client certificates when `clientCa` is given). */
async function startHub (t: Test, cert: string, key: string, clientCa?: string) {
  const hub = await buildTestApp(t, {
    env: {
      UPC_ROLE: 'hub',
      UPC_ESTABLISHMENT: 'HUB',
      UPC_TLS_CERT_FILE: cert,
      UPC_TLS_KEY_FILE: key,
      ...(clientCa === undefined ? {} : { UPC_TLS_CLIENT_CA_FILE: clientCa, UPC_TLS_REQUIRE_CLIENT_CERT: 'true' })
    }
  })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...hub, url: `https://127.0.0.1:${portOf(hub.app.server.address())}` }
}

async function startEstablishment (t: Test, hubUrl: string, extra: Record<string, string>) {
  const est = await buildTestApp(t, {
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: hubUrl, UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *', ...extra }
  })
  await est.app.ready()
  await sync(est.app) // after the run every daemon makes at start
  return est
}

async function sync (app: App) {
  const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}: ${res.body}`)
  return res.json() as { ok: boolean, applied: number, quarantined: number, cursor: number, error: string | null }
}

const decision = async (app: App, phone: string) =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })).json().decision

async function blockAtHub (app: App, phone: string) {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'establishment', establishment: 'HLI', phones: [phone], emails: [], addresses: [] }) })
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`)
}

/** A config file with no retries within a run (a dropped connection is retried, with backoff). */
function retriesOff (t: Test): string {
  const file = join(tempDir(t), 'sync.json')
  writeFileSync(file, JSON.stringify({ sync: { retries: 0 } }))
  return file
}

const trail = async (app: App, action: string) =>
  (await app.inject({ method: 'GET', url: `/v1/audit?action=${action}`, headers: auth('admin') })).json().items as Array<{ reason: string | null, detail: Record<string, unknown> }>

/** A refused run: its error, nothing applied, the cursor and the index as they were, the refusal audited. */
async function refused (t: Test, app: App, phone: string, error: string) {
  const report = await sync(app)
  t.equal(report.ok, false)
  t.equal(report.error, error)
  t.equal(report.applied, 0)
  t.equal(report.cursor, 0, 'the cursor did not move')
  const entries = (await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json()
  t.equal(entries.total, 0, 'no entry came from the hub')
  t.equal(await decision(app, phone), 'unavailable', 'never synced: fail-closed, not allow')
  const status = (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.lastError, error)
  t.equal(status.appliedTotal, 0)
  t.equal((await trail(app, 'sync'))[0]?.reason, error, 'the refused run is in the audit trail')
}

let pki: TestPki
t.before(() => {
if (skip === false) pki = makeTestPki(tempDir(t))
})

t.test('an HTTPS hub whose certificate chains to upstream.caFile: synced, and the run names the certificate', { skip }, async (t) => {
  const hub = await startHub(t, pki.hubCert, pki.hubKey)
  const est = await startEstablishment(t, hub.url, { UPC_UPSTREAM_CA_FILE: pki.hubCa })
  await blockAtHub(hub.app, '07700 900801')
  const report = await sync(est.app)
  t.equal(report.ok, true, report.error ?? '')
  t.equal(report.applied, 1)
  t.equal(await decision(est.app, '07700 900801'), 'block')
  const identity = { origin: hub.url, subject: HUB_SUBJECT, fingerprint256: pki.fingerprint(pki.hubCert) }
  t.same((await trail(est.app, 'sync'))[0]?.detail.upstream, identity, 'who answered: the hub certificate\'s subject and fingerprint, on a kept-alive connection')
  // The hub closes the idle connection: the next run connects again, and names the certificate again.
  hub.app.server.closeIdleConnections()
  t.equal((await sync(est.app)).ok, true)
  t.same((await trail(est.app, 'sync'))[0]?.detail.upstream, identity, 'and on a new connection')
})

t.test('a hub certificate from another CA: refused, nothing applied', { skip }, async (t) => {
  const hub = await startHub(t, pki.hubCert, pki.hubKey)
  await blockAtHub(hub.app, '07700 900802')
  const wrongCa = await startEstablishment(t, hub.url, { UPC_UPSTREAM_CA_FILE: pki.otherCa })
  await refused(t, wrongCa.app, '07700 900802', NOT_TRUSTED)
  const systemCas = await startEstablishment(t, hub.url, {})
  await refused(t, systemCas.app, '07700 900802', NOT_TRUSTED)
  t.same((await trail(systemCas.app, 'sync'))[0]?.detail.upstream, { origin: hub.url }, 'a run refused before any answer names the origin it asked')
})

t.test('an expired hub certificate, or one for another name: refused, nothing applied', { skip }, async (t) => {
  const expired = await startHub(t, pki.expiredCert, pki.expiredKey)
  await blockAtHub(expired.app, '07700 900803')
  const est = await startEstablishment(t, expired.url, { UPC_UPSTREAM_CA_FILE: pki.hubCa })
  await refused(t, est.app, '07700 900803', 'the hub\'s certificate has expired')
  const elsewhere = await startHub(t, pki.elsewhereCert, pki.elsewhereKey)
  await blockAtHub(elsewhere.app, '07700 900803')
  const misnamed = await startEstablishment(t, elsewhere.url, { UPC_UPSTREAM_CA_FILE: pki.hubCa })
  await refused(t, misnamed.app, '07700 900803', 'the hub\'s certificate is not for the host name of upstream.url')
})

t.test('a hub that requires client certificates: synced with one from its CA; refused without one or with another CA\'s', { skip }, async (t) => {
  const hub = await startHub(t, pki.hubCert, pki.hubKey, pki.clientCa)
  await blockAtHub(hub.app, '07700 900804')
  const without = await startEstablishment(t, hub.url, { UPC_UPSTREAM_CA_FILE: pki.hubCa })
  await refused(t, without.app, '07700 900804', 'the hub refused this establishment\'s client certificate (upstream.certFile)')
  const stranger = await startEstablishment(t, hub.url, { UPC_UPSTREAM_CA_FILE: pki.hubCa, UPC_UPSTREAM_CERT_FILE: pki.strangerCert, UPC_UPSTREAM_KEY_FILE: pki.strangerKey, UPC_CONFIG: retriesOff(t) })
  await refused(t, stranger.app, '07700 900804', 'the hub dropped the connection after the TLS handshake (a hub that requires client certificates does so when it does not trust upstream.certFile)')
  const mutual = await startEstablishment(t, hub.url, { UPC_UPSTREAM_CA_FILE: pki.hubCa, UPC_UPSTREAM_CERT_FILE: pki.clientCert, UPC_UPSTREAM_KEY_FILE: pki.clientKey })
  const report = await sync(mutual.app)
  t.equal(report.ok, true, report.error ?? '')
  const status = (await mutual.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.appliedTotal, 1, 'the hub\'s block arrived (at the run every daemon makes at start)')
  t.equal(await decision(mutual.app, '07700 900804'), 'block')
})

t.test('a quarantined item names the certificate of the hub that sent it', { skip }, async (t) => {
  const page = { changes: [{ seq: 1, op: 'upsert', entry: { id: 'not-a-uuid' } }], next: 1, hasMore: false }
  const server = createServer({ cert: readFileSync(pki.hubCert), key: readFileSync(pki.hubKey) }, (req: IncomingMessage, res: ServerResponse) => {
    const since = new URL(req.url ?? '/', 'https://hub.test').searchParams.get('since')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(since === '0' ? page : { changes: [], next: 1, hasMore: false }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const url = `https://127.0.0.1:${portOf(server.address())}`
  const est = await startEstablishment(t, url, { UPC_UPSTREAM_CA_FILE: pki.hubCa })
  const [row] = await trail(est.app, 'sync.quarantine')
  t.same(row?.detail, { seq: 1, kid: null, upstream: { origin: url, subject: HUB_SUBJECT, fingerprint256: pki.fingerprint(pki.hubCert) } })
})

t.test('a plain loopback hub: the run names its origin only', { skip }, async (t) => {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${portOf(hub.app.server.address())}`
  const est = await startEstablishment(t, url, {})
  t.same((await trail(est.app, 'sync'))[0]?.detail.upstream, { origin: url })
})

t.test('upstream.allowInsecureHttp lets a plain http hub on another host be named, and every start warns of it', async (t) => {
  const dir = tempDir(t)
  const logFile = join(dir, 'log.ndjson')
  const env = { UPC_UPSTREAM_URL: 'http://hub.example.org:8081', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_UPSTREAM_ALLOW_INSECURE_HTTP: 'true', UPC_SYNC_CRON: '0 0 1 1 *' }
  const first = await buildTestApp(t, { env, logFile, dir })
  await first.app.close()
  await buildTestApp(t, { env, logFile, dir })
  const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { level: number, key?: string, msg: string })
  const warnings = lines.filter((line) => line.key === 'upstream.allowInsecureHttp')
  t.equal(warnings.length, 2, 'one warning a start')
  t.ok(warnings.every((line) => line.level === 40), 'at level warn')
})
