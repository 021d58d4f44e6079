import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { api, startDaemon } from '../../scripts/lib/daemon.js'
import { createAtRestStore } from '../../src/store/at-rest-store.js'
import { openDatabase } from '../../src/store/db.js'
import { CLIENTS, TOKENS, auth, buildTestApp, tempDir, writeKeyFiles } from '../helper.js'
import { EMAIL, HOUR, MONDAY, OUTCOME_EMAIL, PHONE, REQUESTER_NAME, restrictBody } from '../fixtures/requests.js'


async function setup (t: Test, options: { logFile?: string } = {}) {
  let now = MONDAY
  const { app } = await buildTestApp(t, { clock: () => now, ...options })
  const post = (url: string, payload: unknown, role: keyof typeof TOKENS = 'admin') =>
    app.inject({ method: 'POST', url, headers: auth(role), payload: payload as object })
  const get = (url: string) => app.inject({ method: 'GET', url, headers: auth('admin') })
  const check = async (phone = PHONE) =>
    (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })).json().decision as string
  // The trail without the checks' own rows.
  const trail = async () => ((await get('/v1/audit')).json().items as Array<{ action: string, entryId: string | null, reason: string | null, detail: Record<string, unknown> }>)
    .filter((row) => row.action !== 'check.decide')
  return { app, post, get, check, trail, advance: (ms: number) => { now += ms } }
}
t.test('a restriction with consent blocks at once and waits for a SPOC to confirm it', async (t) => {
  const { post, check, trail } = await setup(t)
  t.equal(await check(), 'allow', 'nothing blocks before the request')
  const res = await post('/v1/requests', restrictBody())
  t.equal(res.statusCode, 201)
  const made = res.json()
  t.match(made, {
    kind: 'restrict',
    status: 'blocking',
    stage: 'passed-on',
    establishment: 'HLI',
    prisoner: 'A1234BC',
    consent: true,
    receivedAt: '2026-12-07T10:00:00.000Z',
    arrivedAt: '2026-12-07T10:00:00.000Z',
    // Monday 10:00: passed on by the end of Tuesday, decided by the end of Thursday (17:00 GMT).
    passOnDueAt: '2026-12-08T17:00:00.000Z',
    decisionDueAt: '2026-12-10T17:00:00.000Z',
    overdue: false,
    decidedAt: null
  })
  t.type(made.entryId, 'string', 'the block it made')
  t.equal(await check(), 'block', 'the number is blocked the moment the request is recorded')
  const confirmed = (await post(`/v1/requests/${made.id}/decision`, { decision: 'approve', rationale: 'Consent confirmed by the SPOC on the phone' })).json()
  t.match(confirmed, { status: 'approved', stage: 'decided', decidedBy: 'spoc', entryId: made.entryId, rationale: 'Consent confirmed by the SPOC on the phone' })
  t.equal(await check(), 'block', 'still blocked once confirmed')
  t.same((await trail()).map((row) => row.action), ['request.decide', 'request.create', 'entry.create'])
  const again = await post(`/v1/requests/${made.id}/decision`, { decision: 'decline', rationale: 'Second thoughts' })
  t.equal(again.statusCode, 409, 'a request is decided once')
  t.equal(await check(), 'block')
})

t.test('a restriction without consent blocks nothing until a SPOC approves it', async (t) => {
  const { post, get, check, trail } = await setup(t)
  const made = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  t.match(made, { status: 'pending', entryId: null, stage: 'passed-on' })
  t.equal(await check(), 'allow', 'pending: nothing blocked')
  t.equal((await get('/v1/entries')).json().total, 0, 'no block was made')
  const approved = (await post(`/v1/requests/${made.id}/decision`, { decision: 'approve', rationale: 'Risk assessed: contact would harm the victim' })).json()
  t.equal(approved.status, 'approved')
  t.type(approved.entryId, 'string')
  t.equal(await check(), 'block', 'approving makes the block')
  const entry = (await get(`/v1/entries/${approved.entryId as string}`)).json()
  t.match(entry, { scope: 'prisoner', prisoner: 'A1234BC', consent: false, requestRef: 'UPC-2026-000777', createdBy: 'spoc' })
  const rows = await trail()
  t.same(rows.map((row) => row.action), ['request.decide', 'entry.create', 'request.create'], 'the block and the decision in one transaction')
  t.equal(rows[0]?.entryId, approved.entryId)
  t.match(rows[0]?.detail, { requestId: made.id, decision: 'approved', rationaleHash: String })
})

t.test('a decline blocks nothing, and declining a consented restriction lifts its block', async (t) => {
  const { post, get, check } = await setup(t)
  const pending = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  const declined = (await post(`/v1/requests/${pending.id}/decision`, { decision: 'decline', rationale: 'A child at the address needs the number' })).json()
  t.match(declined, { status: 'declined', entryId: null })
  t.equal(await check(), 'allow')
  t.equal((await get('/v1/entries')).json().total, 0)

  const consented = (await post('/v1/requests', restrictBody())).json()
  t.equal(await check(), 'block')
  const undone = (await post(`/v1/requests/${consented.id}/decision`, { decision: 'decline', rationale: 'The request was withdrawn before confirmation' })).json()
  t.equal(undone.status, 'declined')
  t.equal(await check(), 'allow', 'the block it made is lifted')
  t.equal((await get(`/v1/entries/${consented.entryId as string}`)).json().status, 'lifted')
})

t.test('a reinstatement waits for a SPOC; approving lifts the block it names', async (t) => {
  const { post, get, check } = await setup(t)
  const first = (await post('/v1/requests', restrictBody())).json()
  const reference = (await get(`/v1/entries/${first.entryId as string}`)).json().reference as string
  const res = await post('/v1/requests', {
    kind: 'reinstate',
    prisoner: 'a1234bc',
    requester: { kind: 'person' },
    outcomeContact: { method: 'phone', value: '020 7946 0123' },
    consent: true,
    liftEntry: reference.toLowerCase(),
    reason: 'The person asks for contact again'
  })
  t.equal(res.statusCode, 201)
  const reinstate = res.json()
  t.match(reinstate, { kind: 'reinstate', status: 'pending', liftEntryId: first.entryId, block: null })
  t.equal(await check(), 'block', 'waiting: still blocked')
  const approved = (await post(`/v1/requests/${reinstate.id}/decision`, { decision: 'approve', rationale: 'Close relative, contact supported by probation' })).json()
  t.equal(approved.status, 'approved')
  t.equal(await check(), 'allow', 'approving lifts the block')
  const entry = (await get(`/v1/entries/${first.entryId as string}`)).json()
  t.match(entry, { status: 'lifted', liftedBy: 'spoc', liftReason: 'Close relative, contact supported by probation' })
  const again = await post('/v1/requests', { ...restrictBody(), kind: 'reinstate', block: undefined, liftEntry: first.entryId })
  t.equal(again.statusCode, 409, 'a lifted block cannot be reinstated twice')
})

t.test('bad input: a 400 naming the field, never its value, and nothing written', async (t) => {
  const { post, get, trail } = await setup(t)
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no block', restrictBody({ block: undefined }), /block is required/],
    ['a reinstatement with no block named', restrictBody({ kind: 'reinstate', block: undefined }), /liftEntry is required/],
    ['a phone number in the reason', restrictBody({ reason: `Keeps ringing ${PHONE}` }), /^reason: must not hold/],
    ['the requester named in the reason', restrictBody({ reason: `${REQUESTER_NAME} asked on the victim's behalf` }), /^reason: must not name the requester/],
    ['the protected person named in the reason', restrictBody({ reason: 'Sam Carter asked for it' }), /^reason: must not hold/],
    ['no detail to block', restrictBody({ block: { protectedPerson: 'Sam Carter' } }), /at least one of phones, emails, addresses/],
    ['received tomorrow', restrictBody({ receivedAt: '2026-12-08T10:00:00Z' }), /receivedAt must not be in the future/],
    ['another establishment', restrictBody({ establishment: 'LEI' }), /establishment must be this daemon's own/],
    ['an unknown field', restrictBody({ notes: 'x' }), /notes|additional/],
    ['an unknown requester kind', restrictBody({ requester: { kind: 'neighbour' } }), /requester/]
  ]
  for (const [name, body, message] of cases) {
    const res = await post('/v1/requests', body)
    t.equal(res.statusCode, 400, name)
    t.match(res.json().message, message, name)
    for (const value of [PHONE, EMAIL, REQUESTER_NAME, OUTCOME_EMAIL, 'Sam Carter']) t.notMatch(res.body, value, `${name}: the value is not echoed`)
  }
  const made = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  const bad = await post(`/v1/requests/${made.id}/decision`, { decision: 'approve', rationale: `Call ${REQUESTER_NAME} on ${PHONE}` })
  t.equal(bad.statusCode, 400)
  t.notMatch(bad.body, PHONE)
  t.equal((await post('/v1/requests/00000000-0000-7000-8000-000000000000/decision', { decision: 'approve', rationale: 'Fine' })).statusCode, 404)
  t.equal((await get('/v1/requests')).json().total, 1, 'only the good request was written')
  t.equal((await get(`/v1/requests/${made.id as string}`)).json().status, 'pending', 'the bad decision changed nothing')
  t.same((await trail()).map((row) => row.action), ['request.create'])
})

t.test('the queue: open requests first, overdue ones first among them; overdue counted in /metrics', async (t) => {
  const { app, post, get, advance } = await setup(t)
  const early = (await post('/v1/requests', restrictBody({ consent: false, receivedAt: '2026-12-03T09:00:00Z' }))).json()
  const late = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  const decided = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  await post(`/v1/requests/${decided.id}/decision`, { decision: 'decline', rationale: 'Duplicate of an earlier request' })
  // Thursday 3 December 09:00: due by the end of Tuesday 8 December; it is Monday 7th: not yet.
  t.equal(early.decisionDueAt, '2026-12-08T17:00:00.000Z')
  const metric = async () => /^upc_requests_overdue (\d+)$/m.exec((await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body)?.[1]
  t.equal(await metric(), '0')
  advance(32 * HOUR) // Tuesday 18:00
  const list = (await get('/v1/requests')).json()
  t.same(list.items.map((item: { id: string }) => item.id), [early.id, late.id, decided.id])
  t.same(list.items.map((item: { overdue: boolean }) => item.overdue), [true, false, false])
  t.equal(await metric(), '1')
  t.same((await get('/v1/requests?state=overdue')).json().items.map((item: { id: string }) => item.id), [early.id])
  t.same((await get('/v1/requests?state=decided')).json().items.map((item: { id: string }) => item.id), [decided.id])
  t.same((await get('/v1/requests?state=open')).json().total, 2)
})

t.test('only the admin role: no token 401, another role 403', async (t) => {
  const { app, post } = await setup(t)
  t.equal((await app.inject({ method: 'GET', url: '/v1/requests' })).statusCode, 401)
  t.equal((await post('/v1/requests', restrictBody(), 'check')).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: '/v1/requests', headers: auth('metrics') })).statusCode, 403)
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.ok(spec.paths['/v1/requests'].post, 'documented in the OpenAPI document')
  t.ok(spec.paths['/v1/requests/{id}/decision'].post)
})

t.test('no requester detail, contact detail or protected person\'s name in the log or the audit trail', async (t) => {
  const logFile = join(tempDir(t), 'daemon.log')
  const { post, trail } = await setup(t, { logFile })
  const made = (await post('/v1/requests', restrictBody({ consent: false }))).json()
  await post(`/v1/requests/${made.id}/decision`, { decision: 'approve', rationale: 'Risk assessed by the security team' })
  await post('/v1/requests', restrictBody({ reason: `Ring ${PHONE}` }))
  const rows = JSON.stringify(await trail())
  const log = readFileSync(logFile, 'utf8')
  t.match(log, made.id, 'the log names the request by its id')
  for (const value of [PHONE, '7700900456', EMAIL, REQUESTER_NAME, 'West Yorkshire Probation', OUTCOME_EMAIL, 'Sam Carter', 'victim-liaison']) {
    t.notMatch(log, value, `the log holds no ${value}`)
    t.notMatch(rows, value, `the audit trail holds no ${value}`)
  }
})

t.test('a real listening daemon takes a request and blocks at once', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const daemon = await startDaemon({ UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI', UPC_TOKENS: JSON.stringify(CLIENTS) })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const made = await api(daemon.base, TOKENS.admin, 'POST', '/v1/requests', restrictBody())
  t.equal(made.status, 201)
  t.equal(made.json.status, 'blocking')
  const checked = await api(daemon.base, TOKENS.check, 'POST', '/v1/check', { channel: 'phone', prisoner: 'A1234BC', phone: PHONE })
  t.equal(checked.json.decision, 'block')
  const read = await api(daemon.base, TOKENS.admin, 'GET', `/v1/requests/${made.json.id as string}`)
  t.same(read.json.requester, { kind: 'victim-liaison', name: REQUESTER_NAME, organisation: 'West Yorkshire Probation' }, 'the requester opens again from the sealed column')
  t.same(read.json.outcomeContact, { method: 'email', value: OUTCOME_EMAIL })
})

t.test('a key rotation re-seals every sealed column of a request', async (t) => {
  const { app, config } = await buildTestApp(t, { clock: () => MONDAY })
  const made = (await app.inject({ method: 'POST', url: '/v1/requests', headers: auth('admin'), payload: restrictBody({ consent: false }) })).json()
  await app.inject({ method: 'POST', url: `/v1/requests/${made.id as string}/decision`, headers: auth('admin'), payload: { decision: 'decline', rationale: 'Withdrawn by the requester' } })
  const db = openDatabase(config.db)
  t.teardown(() => db.close())
  const seen: string[] = []
  db.transaction(() => createAtRestStore(db).rewriteAll((value, associated) => { seen.push(associated); return value }))()
  t.same(seen.filter((associated) => associated.startsWith('requests.')).sort(),
    ['block', 'outcome_contact', 'rationale', 'reason', 'requester'].map((column) => `requests.${column}|${made.id as string}`))
  const stored = db.prepare('SELECT requester, outcome_contact, block, reason, rationale FROM requests').get() as Record<string, string>
  for (const value of [REQUESTER_NAME, OUTCOME_EMAIL, PHONE, 'Sam Carter', 'Withdrawn']) t.notMatch(JSON.stringify(stored), value, 'sealed in the file')
})
