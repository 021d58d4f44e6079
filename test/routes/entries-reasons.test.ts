import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

const REFUSED = /^reason: must not hold a phone number, email address, postcode or the protected person's name \(it holds what reads as (a phone number|an email address|a postcode|the protected person's name)\); describe the reason without contact details$/

t.test('the issue\'s reasons are refused on a real socket, each saying why, none echoed, nothing written', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const cases: Array<[string, string]> = [
    ['Jane Doe asked for no contact', 'the protected person\'s name'],
    ['Victim lives at Flat 2, 14 Acacia Avenue, Leeds LS1 4AP', 'a postcode'],
    ['Write to jane.victim at example dot org', 'an email address'],
    ['Calls from ０７７００ ９００１２３', 'a phone number'],
    ['Letters to jane.victim＠example.org', 'an email address']
  ]
  for (const [reason, kind] of cases) {
    const res = await fetch(`${base}/v1/entries`, { method: 'POST', headers: { ...auth('admin'), 'content-type': 'application/json' }, body: JSON.stringify(entryBody({ reason })) })
    t.equal(res.status, 400, reason)
    const body = await res.json() as { message: string }
    t.match(body.message, REFUSED)
    t.ok(body.message.includes(`reads as ${kind})`), kind)
    t.notOk(body.message.includes(reason), 'the reason is not echoed')
  }
  const list = await fetch(`${base}/v1/entries`, { headers: auth('admin') })
  t.equal((await list.json() as { total: number }).total, 0, 'nothing was written')
})

t.test('plain reasons are accepted, with the protected person named elsewhere in the entry', async (t) => {
  const { app } = await buildTestApp(t)
  for (const reason of ['Harassment since 2019, see case 4412', 'MAPPA level 2', 'Prisoner A1234BC wrote from custody', 'Order made 23/11/2026, crime ref 13190123456']) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ reason }) })
    t.equal(res.statusCode, 201, reason)
    t.equal(res.json().reason, reason)
  }
})

t.test('a lift reason is read against the entry\'s own protected person and numbers', async (t) => {
  const { app } = await buildTestApp(t)
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const lift = (reason: string) => app.inject({ method: 'POST', url: `/v1/entries/${entry.id as string}/lift`, headers: auth('admin'), payload: { reason } })
  for (const reason of ['Ms Doe asked for contact again', 'Doe, Jane withdrew the request', 'She now uses 7700 900 123 only']) {
    const res = await lift(reason)
    t.equal(res.statusCode, 400, reason)
    t.match(res.json().message, REFUSED)
  }
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${entry.id as string}`, headers: auth('admin') })).json().status, 'active', 'still active')
  const ok = await lift('Person asked for contact again')
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().liftReason, 'Person asked for contact again')
})

t.test('a request reference is read too', async (t) => {
  const { app } = await buildTestApp(t)
  for (const requestRef of ['LS14AP', 'JaneDoe-2026']) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ requestRef }) })
    t.equal(res.statusCode, 400, requestRef)
    t.match(res.json().message, /^requestRef: must not hold .*; write the reference without contact details$/)
  }
})
