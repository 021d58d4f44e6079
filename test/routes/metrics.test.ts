import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

/** Prometheus text: `name{labels} value` lines, keyed by name and labels. */
function samples (text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const [key, value] = line.split(' ')
    out.set(key as string, Number(value))
  }
  return out
}

t.test('GET /metrics counts checks by channel and decision, for the metrics role only', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).statusCode, 201)
  const check = (payload: object) => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload })
  t.equal((await check({ channel: 'phone', prisoner: 'A1234BC', phone: '+44 7700 900123' })).json().decision, 'block')
  t.equal((await check({ channel: 'phone', prisoner: 'A1234BC', phone: '07700 900999' })).json().decision, 'allow')
  t.equal((await check({ channel: 'mail', prisoner: 'A1234BC', address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' })).json().decision, 'block')
  t.equal((await check({ channel: 'phone', prisoner: 'A1234BC' })).statusCode, 400, 'a refused check is not counted')
  const batch = await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [{ channel: 'email', prisoner: 'A1234BC', email: 'jane.victim@example.org' }, { channel: 'message', prisoner: 'A1234BC', email: 'other@example.org' }] } })
  t.equal(batch.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers: auth('check') })).json().decision, 'block')

  const res = await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  t.equal(res.headers['cache-control'], 'no-store')
  const got = samples(res.body)
  // By hand: phone block 2 (POST + GET), phone allow 1, mail block 1, email block 1, message allow 1.
  t.equal(got.get('upc_checks_total{channel="phone",decision="block"}'), 2)
  t.equal(got.get('upc_checks_total{channel="phone",decision="allow"}'), 1)
  t.equal(got.get('upc_checks_total{channel="mail",decision="block"}'), 1)
  t.equal(got.get('upc_checks_total{channel="mail",decision="allow"}'), 0)
  t.equal(got.get('upc_checks_total{channel="email",decision="block"}'), 1)
  t.equal(got.get('upc_checks_total{channel="message",decision="allow"}'), 1)
  t.equal(got.get('upc_checks_unavailable_total'), 0)
  t.equal(got.get('upc_index_ready'), 1)
  t.equal(got.get('upc_index_entries'), 1)
  t.ok((got.get('upc_index_version') ?? 0) >= 2, 'the load and the create are two versions')
  t.equal(got.get('upc_sync_configured'), 0)
  t.notOk(got.has('upc_sync_age_seconds'), 'no sync age without an upstream')
  t.type(got.get('upc_audit_queue_length'), 'number')
  t.ok((got.get('process_resident_memory_bytes') ?? 0) > 1e6)
  for (const line of res.body.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
    t.match(line, /^[a-z_]+(\{(channel="(phone|mail|email|message)",decision="(block|allow)"|outcome="(released|discarded|superseded)"|state="(open|acknowledged|closed)"|type="(relay|persistence|after_notice)"|channel="(webhook|email)",outcome="(sent|failed)")\})? \d+$/, `a well-formed sample with closed labels: ${line}`)
  }

  for (const role of ['admin', 'check', 'feed', 'both'] as const) {
    t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: auth(role) })).statusCode, 403, `${role} may not scrape`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('metrics') })).statusCode, 403, 'the metrics role reads nothing else')
})

t.test('a stale index: fail-closed checks answer unavailable and /metrics counts them', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const { app } = await buildTestApp(t, {
    clock: () => now,
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: 'feed-62683918bcbeb6182bbcaf2c', UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  now += 3600_000 // never synced, an hour on: past failAfterSeconds, so fail-closed checks refuse
  const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } })
  t.equal(res.statusCode, 503)
  t.equal(res.json().decision, 'unavailable')
  const got = samples((await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body)
  t.equal(got.get('upc_checks_unavailable_total'), 1)
  t.equal(got.get('upc_sync_configured'), 1)
})
