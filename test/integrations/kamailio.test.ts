/**
 * The Kamailio integration, end to end: a real upc-guard daemon (child process), Debian's Kamailio
 * running integrations/kamailio/kamailio.cfg (knobs rewritten to loopback ports), SIPp as the prison
 * phone and SIPp as the called party behind the "gateway". Every figure asserted here is a SIP final
 * answer the phone saw, or a count of INVITEs the called party saw.
 */
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { api, startDaemon } from '../../scripts/lib/daemon.js'
import { placeCall, sipRequest, sipSkipReason, startKamailio, startUas } from '../../scripts/lib/sip.js'
import type { CallerOptions } from '../../scripts/lib/sip.js'
import { TOKENS, tempDir } from '../helper.js'

const CLIENTS = JSON.stringify([
  { name: 'spoc', roles: ['admin'], token: TOKENS.admin },
  { name: 'pbx', roles: ['check'], token: TOKENS.check }
])

// Ofcom drama numbers only. 07700 900123 is blocked for every prisoner here; 020 7946 0123 only for
// A1234BC; 07700 900456 for nobody.
const BLOCKED_WAYS = ['07700900123', '+447700900123', '00447700900123']
const ALLOWED = '07700900456'
const BLOCKED_FOR_A1234BC = '02079460123'
// Any of the dialled numbers, as written or URL-encoded, in a log.
const NUMBERS_IN_LOG = /7700\s?900\d{3}|7946\s?0\d{3}/
const ANY_PRISONER: CallerOptions = { fromUser: 'pinphone', prisoner: 'B2345CD' }

t.test('Kamailio asks upc-guard before every call and connects only on a clear allow', { skip: sipSkipReason() }, async (t) => {
  const dir = tempDir(t)
  const daemon = await startDaemon({
    UPC_DB: join(dir, 'upc-guard.db'),
    UPC_KEY_FILE: join(dir, 'upc-guard.key'),
    UPC_ESTABLISHMENT: 'HLI',
    UPC_TOKENS: CLIENTS
  })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const everyone = await api(daemon.base, TOKENS.admin, 'POST', '/v1/entries', {
    scope: 'establishment', phones: ['07700 900123'], reason: 'Victim asked for no contact'
  })
  t.equal(everyone.status, 201, 'establishment-wide block created')
  const onePrisoner = await api(daemon.base, TOKENS.admin, 'POST', '/v1/entries', {
    scope: 'prisoner', prisoner: 'A1234BC', phones: ['020 7946 0123'], reason: 'Victim asked for no contact'
  })
  t.equal(onePrisoner.status, 201, 'block for one prisoner created')

  const calledParty = await startUas(join(dir, 'called-party'))
  t.teardown(() => calledParty.stop())
  const kamailio = await startKamailio(join(dir, 'kamailio'), {
    gateway: `127.0.0.1:${calledParty.port}`,
    url: daemon.base,
    token: TOKENS.check
  })
  t.teardown(() => kamailio.stop())
  const calls = join(dir, 'calls')
  mkdirSync(calls)
  const call = (number: string, caller: CallerOptions) => placeCall(calls, kamailio.port, number, caller)

  await t.test('a blocked number, written three ways, is refused with 403 and never reaches the called party', async (t) => {
    for (const number of BLOCKED_WAYS) {
      const result = await call(number, ANY_PRISONER)
      t.same(result.finals, [403], `${number}: 403 Forbidden`)
      t.equal(result.status, 0, `${number}: the phone's scenario ran to its end`)
    }
    t.equal(calledParty.invites(), 0, 'the called party saw no INVITE')
  })

  await t.test('an allowed number is connected: the called party answers 200', async (t) => {
    const result = await call(ALLOWED, ANY_PRISONER)
    t.same(result.finals, [200], '200 OK from the called party')
    t.equal(result.status, 0, 'ACK and BYE went through Kamailio and the BYE was answered')
    t.equal(calledParty.invites(), 1, 'the called party saw exactly this INVITE')
    t.notMatch(calledParty.messages(), /X-Prisoner/i, 'the prisoner header is not passed on to the called party')
  })

  await t.test('the prisoner is the X-Prisoner header, else the From user', async (t) => {
    const before = calledParty.invites()
    const fromUser = await call(BLOCKED_FOR_A1234BC, { fromUser: 'A1234BC' })
    t.same(fromUser.finals, [403], 'no header: the From user A1234BC is checked, and blocked')
    const header = await call(BLOCKED_FOR_A1234BC, { fromUser: 'A1234BC', prisoner: 'B2345CD' })
    t.same(header.finals, [200], 'the header names B2345CD, whom this block does not cover')
    t.equal(calledParty.invites(), before + 1, 'only the allowed call reached the called party')
    const notAPrisoner = await call(ALLOWED, { fromUser: 'pinphone' })
    t.same(notAPrisoner.finals, [503], 'no prisoner number at all: upc-guard answers 400, and the call is refused')
    t.equal(calledParty.invites(), before + 1, 'and it never reached the called party')
  })

  await t.test('nothing but a checked INVITE opens a way to the called party', async (t) => {
    const before = calledParty.requests()
    t.equal(await sipRequest(kamailio.port, 'MESSAGE', { user: BLOCKED_WAYS[0] }), 405, 'a MESSAGE to a blocked number: 405')
    t.equal(await sipRequest(kamailio.port, 'INFO', { user: ALLOWED }), 405, 'an INFO outside a dialog: 405')
    t.equal(await sipRequest(kamailio.port, 'REFER', { user: BLOCKED_WAYS[0], toTag: 'in-a-dialog' }), 405, 'a REFER inside a dialog (a transfer): 405')
    t.equal(calledParty.requests(), before, 'the called party saw none of them')
  })

  await t.test('with upc-guard stopped, the call is refused with 503 and never reaches the called party', async (t) => {
    const before = calledParty.invites()
    daemon.child.kill('SIGTERM')
    t.equal(await daemon.exited, 0, 'upc-guard stopped')
    const result = await call(ALLOWED, ANY_PRISONER)
    t.same(result.finals, [503], '503 Service Unavailable')
    t.equal(calledParty.invites(), before, 'the called party saw no INVITE')
  })

  await t.test('no dialled number reaches Kamailio\'s log', async (t) => {
    const log = kamailio.stderr()
    t.match(log, /upc-guard: block call-id=/, 'the log has the blocks')
    t.match(log, /upc-guard: no clear answer, call refused: call-id=\S+ status=7\b/, 'and the refusal while upc-guard was down (curl: could not connect)')
    t.notMatch(log, NUMBERS_IN_LOG, 'but none of the numbers dialled, in any form')
  })
})

t.test('anything but a clear allow refuses the call: a wrong token, garbage, 5xx, 503 unavailable, no answer in time', { skip: sipSkipReason() }, async (t) => {
  // What a broken or impostor upc-guard could answer, on one port, chosen per call by the number
  // dialled (the check's query carries it). Standing in for failures the real daemon must not have.
  const answers: Record<string, { status: number, body: string } | 'hang'> = {
    '07700900401': { status: 401, body: '{"error":"unauthorized","message":"bad token"}' },
    '07700900500': { status: 500, body: '{"error":"internal","message":"internal error"}' },
    '07700900503': { status: 503, body: '{"decision":"unavailable"}' },
    '07700900201': { status: 200, body: '<html>allow</html>' },
    '07700900202': { status: 200, body: '{"decision":"allowed","matches":[],"indexVersion":1}' },
    '07700900203': { status: 200, body: '{"matches":[],"decision":"allow","indexVersion":1}' },
    '07700900204': { status: 201, body: '{"decision":"allow","matches":[],"indexVersion":1}' },
    '07700900999': 'hang'
  }
  const seen: string[] = []
  const impostor = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const number = url.searchParams.get('number') ?? ''
    seen.push(`${request.headers.authorization ?? ''} ${url.pathname} ${url.searchParams.get('prisoner') ?? ''}`)
    const answer = answers[number]
    if (answer === 'hang') return // never answers: Kamailio's timeout must end the wait
    response.writeHead(answer?.status ?? 404, { 'content-type': 'application/json' }).end(answer?.body ?? '{}')
  })
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { impostor.closeAllConnections(); impostor.close() })
  const dir = tempDir(t)
  const calledParty = await startUas(join(dir, 'called-party'))
  t.teardown(() => calledParty.stop())
  const kamailio = await startKamailio(join(dir, 'kamailio'), {
    gateway: `127.0.0.1:${calledParty.port}`,
    url: `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`,
    token: TOKENS.check
  })
  t.teardown(() => kamailio.stop())

  for (const number of Object.keys(answers)) {
    const result = await placeCall(dir, kamailio.port, number, ANY_PRISONER)
    t.same(result.finals, [503], `${number} (${JSON.stringify(answers[number])}): 503`)
  }
  t.equal(calledParty.invites(), 0, 'the called party saw no INVITE')

  // The control: the same stand-in, answering as upc-guard allows, does connect the call.
  answers[ALLOWED] = { status: 200, body: '{"decision":"allow","matches":[],"indexVersion":1}' }
  const allowed = await placeCall(dir, kamailio.port, ALLOWED, ANY_PRISONER)
  t.same(allowed.finals, [200], 'a clear allow from the same stand-in connects')
  t.equal(calledParty.invites(), 1, 'and only that call reached the called party')
  t.equal(seen.length, Object.keys(answers).length, 'every call was checked once')
  t.match(kamailio.stderr(), /call refused: call-id=\S+ status=28\b/, 'the log has the timeout (curl: operation timed out)')
  t.notMatch(kamailio.stderr(), NUMBERS_IN_LOG, 'and no dialled number')
  t.ok(seen.every((line) => line === `Bearer ${TOKENS.check} /v1/check/phone B2345CD`), 'each check carried the token, the path and the prisoner')
})
