import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { InjectOptions } from 'fastify'
import Database from 'better-sqlite3'
import { auth, buildTestApp, entryBody } from './helper.js'

/** Every contact detail the scenario uses, in the forms a leak could take. */
const PHONES = ['07700 900123', '+44 7700 900123', '020 7946 0321', '0113 496 0456']
const EMAILS = ['Jane.Victim+post@Example.org', 'sam.fixture@example.org']
const ADDRESSES = ['Flat 2, 14 Acacia Avenue, Leeds LS1 4AP', '3 Laburnum Grove\nHull\nHU1 2AB']
const NEEDLES = [
  ...PHONES, ...PHONES.map((p) => p.replace(/\D/g, '')), '7700900123', '2079460321', '1134960456',
  ...EMAILS, ...EMAILS.map((e) => e.toLowerCase()), 'jane.victim', 'sam.fixture',
  'Acacia', 'ACACIA', 'Laburnum', 'LABURNUM', 'LS1 4AP', 'LS14AP', 'HU1 2AB', 'HU12AB',
  'Jane Doe'
]

t.test('a whole scenario logged to a file: no contact detail, token or body reaches a log line, a response or the audit trail', async (t) => {
  const dir = t.testdir()
  const logFile = join(dir, 'upc.log')
  const { app, config } = await buildTestApp(t, { logFile, dir })
  const responses: string[] = []
  let sent = 0
  const send = async (options: InjectOptions) => {
    sent++
    return app.inject(options)
  }
  const created = await send({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: PHONES.slice(0, 3), emails: EMAILS, addresses: ADDRESSES, reason: 'Victim asked' }) })
  t.equal(created.statusCode, 201)
  const id = created.json().id
  // Checks of every kind, blocked and allowed, by POST, GET (number in the query string) and batch.
  for (const phone of PHONES) {
    responses.push((await send({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone, recipient: 'Jane Doe' } })).body)
    responses.push((await send({ method: 'GET', url: `/v1/check/phone?prisoner=A1234BC&number=${encodeURIComponent(phone)}`, headers: auth('check') })).body)
  }
  for (const email of EMAILS) responses.push((await send({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'email', prisoner: 'A1234BC', email } })).body)
  for (const address of ADDRESSES) responses.push((await send({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'mail', prisoner: 'A1234BC', address } })).body)
  responses.push((await send({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: PHONES.map((phone) => ({ channel: 'phone', prisoner: 'A1234BC', phone })) } })).body)
  // Errors that carry details in the body, the URL or a broken JSON text.
  responses.push((await send({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONES[0], extra: EMAILS[0] } })).body)
  responses.push((await send({ method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'application/json' }, payload: `{"phone": "${PHONES[0]}", "email": "${EMAILS[0]}"` })).body)
  responses.push((await send({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: PHONES[0], phone: PHONES[0] } })).body)
  responses.push((await send({ method: 'POST', url: '/v1/check', headers: auth('admin'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONES[0] } })).body)
  responses.push((await send({ method: 'GET', url: `/v1/nowhere/${encodeURIComponent(ADDRESSES[0] as string)}?email=${encodeURIComponent(EMAILS[0] as string)}` })).body)
  responses.push((await send({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ reason: `call ${PHONES[0]}` }) })).body)
  responses.push((await send({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['no digits'], emails: EMAILS }) })).body)
  responses.push((await send({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: `lift ${EMAILS[1]}` } })).body)
  // An admin reading an entry (here, the lift's answer) is the one place its details may appear.
  t.equal((await send({ method: 'POST', url: `/v1/entries/${id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })).statusCode, 200)
  responses.push((await send({ method: 'GET', url: '/v1/audit', headers: auth('admin') })).body)
  await app.close()

  const log = readFileSync(logFile, 'utf8')
  const lines = log.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  const requestLines = lines.filter((line) => line.msg === 'request')
  t.equal(requestLines.length, sent, 'one line per request was written')
  const blocked = requestLines.find((line) => line.decision === 'block' && line.route === '/v1/check/phone')
  t.ok(blocked, 'a blocked check is logged')
  t.equal(blocked?.client, 'pbx')
  t.equal(blocked?.prisoner, 'A1234BC')
  t.same(blocked?.entryIds, [id])
  t.match(blocked?.keyHashes, [/^[0-9a-f]{24}$/])
  t.type(blocked?.ms, 'number')

  const db = new Database(config.db, { readonly: true })
  const audit = JSON.stringify(db.prepare('SELECT * FROM audit').all())
  db.close()
  const places = { log, responses: responses.join('\n'), audit }
  for (const [place, text] of Object.entries(places)) {
    for (const needle of NEEDLES) t.notOk(text.includes(needle), `${place} does not contain a contact detail of ${needle.length} characters`)
    for (const token of ['admin-token', 'check-token']) t.notOk(text.includes(token), `${place} has no token`)
  }
  t.notOk(log.includes('/v1/check/phone?'), 'no URL with its query string in the log')
})
