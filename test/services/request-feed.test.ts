import t from 'tap'
import { keyRing, verifyChange } from '../../src/domain/feed-signature.js'
import { restrictBody } from '../fixtures/requests.js'
import { HUB_SIGNER, TOKENS, auth, buildTestApp, fetchVia, publicKeyOf } from '../helper.js'

t.test('the requests feed is signed for each establishment, and a change altered on the way is refused', async (t) => {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const made = (await hub.app.inject({ method: 'POST', url: '/v1/requests', headers: auth('admin'), payload: restrictBody({ establishment: 'HLI', consent: false }) })).json()
  const page = (await hub.app.inject({ method: 'GET', url: '/v1/feed/requests?since=0', headers: { authorization: `Bearer ${TOKENS.feed}` } })).json()
  t.equal(page.changes.length, 1)
  const change = page.changes[0]
  t.match(change, { seq: Number, op: 'request.upsert', request: { id: made.id, establishment: 'HLI', requesterKind: 'victim-liaison' } })
  t.notOk('requester' in change.request || 'outcomeContact' in change.request, 'the feed never carries who asked or how to reach them')
  const keys = keyRing([publicKeyOf(HUB_SIGNER)])
  const item = { seq: change.seq, op: change.op, entry: change.request, signed: change.signed, sig: change.sig, kid: change.kid }
  t.match(verifyChange(item, 'HLI', keys), { ok: true }, 'signed for HLI')
  t.match(verifyChange(item, 'LEI', keys), { ok: false }, 'not for another establishment')
  const lei = (await hub.app.inject({ method: 'GET', url: '/v1/feed/requests?since=0', headers: { authorization: `Bearer ${TOKENS.feedLei}` } })).json()
  t.same(lei.changes, [], 'LEI is not served HLI\'s request')

  // An establishment whose feed page comes back with the reason rewritten on the way.
  const honest = fetchVia(hub.app)
  const tampering: typeof fetch = async (input, init) => {
    const res = await honest(input, init)
    if (!String(input).includes('/v1/feed/requests')) return res
    const body = await res.json() as { changes: Array<{ request: { reason: string } }> }
    for (const c of body.changes) c.request.reason = 'Rewritten on the way'
    return new Response(JSON.stringify(body), { status: res.status })
  }
  const env = { UPC_UPSTREAM_URL: 'http://127.0.0.1:9/', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  const hli = await buildTestApp(t, { env, fetch: tampering, fetchServesRequests: true })
  await hli.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  t.equal((await hli.app.inject({ method: 'GET', url: '/v1/requests', headers: auth('admin') })).json().total, 0, 'the altered request is not taken')
  const trusting = await buildTestApp(t, { env, fetch: honest, fetchServesRequests: true })
  await trusting.app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  const taken = (await trusting.app.inject({ method: 'GET', url: `/v1/requests/${made.id as string}`, headers: auth('admin') })).json()
  t.match(taken, { status: 'pending', origin: 'hub', reason: 'Victim asked for no contact after release on licence was refused' }, 'the same page unaltered is taken')
})

t.test('the hub shows a request no establishment has picked up by its pass-on date as overdue', async (t) => {
  let now = Date.parse('2026-12-07T10:00:00Z') // a Monday
  const hub = await buildTestApp(t, { clock: () => now, env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const made = (await hub.app.inject({ method: 'POST', url: '/v1/requests', headers: auth('admin'), payload: restrictBody({ establishment: 'HLI' }) })).json()
  t.match(made, { stage: 'received', arrivedAt: null, passOnDueAt: '2026-12-08T17:00:00.000Z', overdue: false })
  const decided = await hub.app.inject({ method: 'POST', url: `/v1/requests/${made.id as string}/decision`, headers: auth('admin'), payload: { decision: 'approve', rationale: 'At the hub' } })
  t.equal(decided.statusCode, 409, 'requests are decided at the establishment')
  now = Date.parse('2026-12-08T17:00:01Z') // Tuesday, past the end of the working day
  const listed = (await hub.app.inject({ method: 'GET', url: '/v1/requests', headers: auth('admin') })).json()
  t.match(listed.items[0], { id: made.id, stage: 'received', overdue: true })
  t.equal(/^upc_requests_overdue (\d+)$/m.exec((await hub.app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body)?.[1], '1')
})
