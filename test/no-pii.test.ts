import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { InjectOptions } from 'fastify'
import Database from 'better-sqlite3'
import { TOKENS, auth, buildTestApp, tempDir, entryBody } from './helper.js'

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
  const dir = tempDir(t)
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
  const audit = JSON.stringify(db.prepare('SELECT * FROM audit_all').all())
  db.close()
  const places = { log, responses: responses.join('\n'), audit }
  for (const [place, text] of Object.entries(places)) {
    for (const needle of NEEDLES) t.notOk(text.includes(needle), `${place} does not contain a contact detail of ${needle.length} characters`)
    for (const token of ['admin-token', 'check-token']) t.notOk(text.includes(token), `${place} has no token`)
  }
  t.notOk(log.includes('/v1/check/phone?'), 'no URL with its query string in the log')
})

t.test('at trace level too: malformed URLs, over-long parameters, raw client errors and a failed index load leak nothing', async (t) => {
  const dir = tempDir(t)
  const logFile = join(dir, 'trace.log')
  const first = await buildTestApp(t, { logFile, dir, logLevel: 'trace' })
  const { app } = first
  const responses: string[] = []
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: PHONES.slice(0, 1), emails: EMAILS.slice(0, 1), addresses: ADDRESSES.slice(0, 1) }) })
  const email = encodeURIComponent(EMAILS[0] as string)
  for (const url of [`/v1/entries/${email}%E0%A4`, `/v1/entries/${email.repeat(10)}`, `/v1/entries/${email}/lift`, `/v1/check/phone?prisoner=A1234BC&number=${'7'.repeat(80)}`]) {
    const res = await app.inject({ method: 'GET', url, headers: auth('admin') })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} for a bad URL`)
    responses.push(res.body)
  }
  // A broken HTTP request on a real socket: fastify's client-error path sees the raw bytes.
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const { connect } = await import('node:net')
  const reply = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.check}\r\nContent-Length: nope\r\n\r\n{"phone":"${PHONES[0]}"}`)
    })
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString() })
    socket.on('close', () => resolve(data))
    socket.on('error', () => resolve(data))
  })
  t.match(reply, /^HTTP\/1\.1 400/)
  await app.close()

  // A failed index load logs its error without the stored keys it choked on.
  const db = new Database(first.config.db)
  db.prepare("UPDATE entry_details SET match_keys = substr(match_keys, 1, length(match_keys) - 3) || ', e:jane.victim'").run()
  db.close()
  const broken = await buildTestApp(t, { logFile, dir, logLevel: 'trace' })
  const check = await broken.app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONES[0] } })
  t.equal(check.statusCode, 503)
  responses.push(check.body)
  await broken.app.close()

  const log = readFileSync(logFile, 'utf8')
  t.match(log, /index load failed/)
  t.match(log, /SyntaxError/, 'the error type is kept for whoever mends it')
  for (const [place, text] of Object.entries({ log, responses: responses.join('\n') })) {
    for (const needle of [...NEEDLES, 'jane.victim', encodeURIComponent(EMAILS[0] as string)]) {
      t.notOk(text.includes(needle), `${place} does not contain a contact detail of ${needle.length} characters`)
    }
    t.notOk(text.includes(TOKENS.check) || text.includes(TOKENS.admin), `${place} has no token`)
  }
})
