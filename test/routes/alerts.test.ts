import t from 'tap'
import { MONDAY, PHONE, restrictBody } from '../fixtures/requests.js'
import { auth, buildTestApp, entryBody } from '../helper.js'

const T0 = Date.parse('2026-12-07T09:00:00Z')
const MIN = 60_000
const A = 'A1234BC'
const B = 'B2345CD'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function makeBlock (app: App, over: Record<string, unknown> = {}): Promise<{ id: string, reference: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody(over) })
  if (res.statusCode !== 201) throw new Error(`entry not made: ${res.body}`)
  return res.json()
}

const ring = (app: App, prisoner: string, phone = '07700 900123') =>
  app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner, phone } })

/** The alerts after the rules have run over every attempt made so far (the job's run, now). */
async function alerts (app: App, query = ''): Promise<any[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  app.upc.alertsNow()
  const res = await app.inject({ method: 'GET', url: `/v1/alerts${query}`, headers: auth('admin') })
  if (res.statusCode !== 200) throw new Error(`alerts: ${res.statusCode} ${res.body}`)
  return res.json().items
}

t.test('relay: two prisoners ring one blocked number; one alert naming both, nothing else', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now })
  const block = await makeBlock(app)
  now += MIN
  t.equal((await ring(app, A)).json().decision, 'block')
  now += MIN
  t.equal((await ring(app, B.toLowerCase())).json().decision, 'block')
  const found = await alerts(app)
  t.same(found.map((a) => [a.type, a.state, a.entryIds, a.references, a.prisoners, a.attempts, a.firstAt]), [
    ['relay', 'open', [block.id], [block.reference], [A, B], 2, new Date(T0 + 2 * MIN).toISOString()]
  ])
  now += MIN
  t.equal((await ring(app, B)).json().decision, 'block')
  const again = await alerts(app)
  t.equal(again.length, 1, 'a later attempt is counted on the live alert, not raised again')
  t.equal(again[0].attempts, 3)
  t.equal(again[0].lastAt, new Date(T0 + 3 * MIN).toISOString())
})

t.test('relay: a prisoner-scope block\'s number rung by another prisoner (allowed, yet flagged)', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now })
  const block = await makeBlock(app, { scope: 'prisoner', prisoner: A, phones: ['07700 900456'], emails: [], addresses: [] })
  now += MIN
  t.equal((await ring(app, B, '07700900456')).json().decision, 'allow', 'the block is A\'s only')
  const found = await alerts(app)
  t.same(found.map((a) => [a.type, a.entryIds, a.prisoners]), [['relay', [block.id], [A, B]]])
})

t.test('persistence: the third blocked attempt by one prisoner within a day', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now, env: { UPC_ALERTS_PERSISTENCE_ATTEMPTS: '3', UPC_ALERTS_PERSISTENCE_WINDOW_MINUTES: '60' } })
  const block = await makeBlock(app)
  now += MIN
  await ring(app, A)
  now += 30 * MIN
  await ring(app, A)
  t.same(await alerts(app), [], 'two: nothing yet')
  now += 29 * MIN
  await ring(app, A)
  const found = await alerts(app)
  t.same(found.map((a) => [a.type, a.prisoners, a.entryIds, a.attempts]), [['persistence', [A], [block.id], 3]])
})

t.test('after notice: an attempt a day after the block was made (no notice recorded)', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now, env: { UPC_ALERTS_AFTER_NOTICE_GRACE_MINUTES: '1440' } })
  const block = await makeBlock(app)
  now += 1440 * MIN
  await ring(app, A)
  t.same(await alerts(app), [], 'at the end of the grace: nothing')
  now += MIN
  await ring(app, A)
  const found = await alerts(app)
  t.same(found.map((a) => [a.type, a.prisoners, a.entryIds]), [['after_notice', [A], [block.id]]])
})

t.test('after notice: with the prisoner\'s written notice recorded, an attempt after it (within the grace)', async (t) => {
  let now = MONDAY
  const { app } = await buildTestApp(t, { clock: () => now, env: { UPC_ALERTS_AFTER_NOTICE_GRACE_MINUTES: '1440' } })
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: auth('admin'), payload })
  const request = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  const decided = await post(`/v1/requests/${request.id as string}/decision`, { decision: 'approve', rationale: 'Risk assessed by the security team' })
  t.equal(decided.statusCode, 200)
  now += 60 * MIN
  await ring(app, A, PHONE)
  t.same(await alerts(app), [], 'before the notice, within the grace: nothing')
  now += 2 * MIN
  t.equal((await post(`/v1/requests/${request.id as string}/notice`, { givenAt: new Date(MONDAY + 61 * MIN).toISOString(), givenBy: 'Officer 4521' })).statusCode, 200)
  await ring(app, A, PHONE)
  // By hand: notice at +61 min, attempt at +62 min, the grace (a day) not over: the notice decides.
  t.same((await alerts(app)).map((a) => [a.type, a.prisoners]), [['after_notice', [A]]])
})

t.test('acknowledge with a note, then close: who and when, in the audit trail; wrong orders refused', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now })
  const block = await makeBlock(app)
  await ring(app, A)
  await ring(app, B)
  const [alert] = await alerts(app)
  const post = (path: string, payload: object, role: 'admin' | 'check' = 'admin') =>
    app.inject({ method: 'POST', url: `/v1/alerts/${alert.id}/${path}`, headers: auth(role), payload })

  const early = await post('close', {})
  t.equal(early.statusCode, 409)
  t.match(early.json().message, /the alert is open; only an acknowledged alert can be closed/)
  const leak = await post('acknowledge', { note: 'rang 07700 900123 twice, told Jane Doe' })
  t.equal(leak.statusCode, 400)
  t.match(leak.json().message, /^note: must not hold a phone number/)
  t.notMatch(leak.body, /900123|Jane/, 'the note is never echoed')
  const named = await post('acknowledge', { note: 'Spoke to Jane Doe about it' })
  t.equal(named.statusCode, 400, 'the protected person\'s name is refused too')
  t.match(named.json().message, /protected person's name/)
  t.equal((await post('acknowledge', { note: '' })).statusCode, 400)
  t.equal((await post('acknowledge', { note: 'x' }, 'check')).statusCode, 403)

  now += 5 * MIN
  const acked = await post('acknowledge', { note: 'Wing officer told; both PIN accounts reviewed' })
  t.equal(acked.statusCode, 200)
  t.same([acked.json().state, acked.json().acknowledgedBy, acked.json().acknowledgedAt, acked.json().note],
    ['acknowledged', 'spoc', new Date(T0 + 5 * MIN).toISOString(), 'Wing officer told; both PIN accounts reviewed'])
  t.equal((await post('acknowledge', { note: 'again' })).statusCode, 409, 'once only')
  now += 5 * MIN
  const closed = await post('close', { note: 'Adjudication raised' })
  t.equal(closed.statusCode, 200)
  t.same([closed.json().state, closed.json().closedBy, closed.json().closedAt, closed.json().closeNote],
    ['closed', 'spoc', new Date(T0 + 10 * MIN).toISOString(), 'Adjudication raised'])
  t.equal((await post('close', {})).statusCode, 409)
  t.equal((await app.inject({ method: 'POST', url: '/v1/alerts/999/acknowledge', headers: auth('admin'), payload: { note: 'x' } })).statusCode, 404)

  const trail = (await app.inject({ method: 'GET', url: `/v1/audit?entryId=${block.id}`, headers: auth('admin') })).json().items
    .filter((row: { action: string }) => row.action.startsWith('alert.'))
  t.same(trail.map((row: any) => [row.action, row.actor, row.reason, row.detail.alertId, row.detail.type]), [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['alert.close', 'spoc', 'Adjudication raised', alert.id, 'relay'],
    ['alert.acknowledge', 'spoc', 'Wing officer told; both PIN accounts reviewed', alert.id, 'relay'],
    ['alert.raise', 'alerts', null, alert.id, 'relay']
  ])
  t.same(trail[2].detail, { alertId: alert.id, type: 'relay', entryIds: [block.id], prisoners: [A, B], attempts: 2 })

  // A closed alert no longer gathers attempts: the next relay raises a new one.
  now += MIN
  await ring(app, A)
  const after = await alerts(app)
  t.same(after.map((a) => [a.id > alert.id, a.state]), [[true, 'open'], [false, 'closed']])
})

t.test('filters and pages; nothing of the protected person or the details in any alert', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now })
  const first = await makeBlock(app)
  const second = await makeBlock(app, { phones: ['020 7946 0123'], emails: [], addresses: [], protectedPerson: 'John Roe' })
  await ring(app, A)
  await ring(app, B)
  now += MIN
  await ring(app, A, '02079460123')
  await ring(app, A, '02079460123')
  await ring(app, B, '02079460123')
  const all = await alerts(app)
  // By hand: A and B on the first: relay; A's third blocked attempt in a day (on the second):
  // persistence; B on the second after A: relay on it.
  t.same(all.map((a) => [a.type, a.entryIds[0]]), [
    ['relay', second.id], ['persistence', second.id], ['relay', first.id]
  ])
  t.same((await alerts(app, '?type=persistence')).map((a) => a.prisoners), [[A]])
  t.same((await alerts(app, `?entry=${first.reference.toLowerCase()}`)).map((a) => a.type), ['relay'])
  t.same((await alerts(app, `?entry=${second.id}&prisoner=${A.toLowerCase()}`)).map((a) => a.type), ['relay', 'persistence'])
  t.same((await alerts(app, '?state=closed')), [])
  const page = await app.inject({ method: 'GET', url: '/v1/alerts?limit=2', headers: auth('admin') })
  t.equal(page.json().items.length, 2)
  const rest = await alerts(app, `?limit=2&before=${page.json().next}`)
  t.same(rest.map((a) => a.entryIds[0]), [first.id])
  const bads: Array<[string, string]> = [['?state=shut', 'state'], ['?prisoner=123', 'prisoner'], ['?type=x', 'type'], ['?limit=0', 'limit']]
  for (const [query, field] of bads) {
    const bad = await app.inject({ method: 'GET', url: `/v1/alerts${query}`, headers: auth('admin') })
    t.equal(bad.statusCode, 400, query)
    t.match(bad.json().message, new RegExp(field), `${query} names ${field}`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/alerts?entry=ZZZZ-ZZZZ', headers: auth('admin') })).statusCode, 404)
  const text = JSON.stringify(all) + (await app.inject({ method: 'GET', url: '/v1/audit?action=alert.raise', headers: auth('admin') })).body
  t.notMatch(text, /900123|7946|example\.org|Acacia|LS1|Jane|John|Roe/, 'ids and prisoner numbers only')
  t.equal(JSON.parse((await app.inject({ method: 'GET', url: '/v1/audit?action=alert.raise', headers: auth('admin') })).body).items.length, 3)

  const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body
  t.match(metrics, /\nupc_alerts\{state="open"\} 3\n/)
  t.match(metrics, /\nupc_alerts_raised_total\{type="relay"\} 2\n/)
  t.match(metrics, /\nupc_alerts_raised_total\{type="persistence"\} 1\n/)
  t.match(metrics, /\nupc_alert_attempts_dropped_total 0\n/)
})

t.test('alerts off: no attempt is queued, no alert raised', async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_ALERTS_ENABLED: 'false' } })
  await makeBlock(app)
  await ring(app, A)
  await ring(app, B)
  t.same(await alerts(app), [])
})
