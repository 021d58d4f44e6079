import { readFileSync } from 'node:fs'
import t from 'tap'
import { ANSWER_TEXT } from '../../src/policy/policy-check.js'
import { auth, buildTestApp, entryBody } from '../helper.js'
import { postfixSkipReason, run, startPostfix } from './postfix-instance.js'

/**
 * Debian's Postfix, a throwaway instance (postfix-instance.ts), with the main.cf lines shipped in
 * integrations/postfix/ pointing at a real upc-guard's policy port; swaks plays the prisoners' mail
 * system.
 */
const SWAKS = '/usr/bin/swaks'
const SNIPPET = new URL('../../integrations/postfix/main.cf', import.meta.url)

interface Reply { code: number, text: string }

/** The server's replies to each RCPT TO in a swaks transcript (`<-  250 ...` or `<** 554 ...`). */
function rcptReplies (transcript: string): Reply[] {
  return [...transcript.matchAll(/^ -> RCPT TO:.*\n<(?:-|\*\*) +(\d{3})[ -](.*)$/gm)].map((m) => ({ code: Number(m[1]), text: m[2] ?? '' }))
}

t.test('Postfix asks upc-guard at RCPT: a disguised blocked address is rejected, another accepted, and with upc-guard down the mail is deferred', { skip: postfixSkipReason([{ file: SWAKS, pkg: 'swaks' }]) }, async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_POLICY_PORT: '0' } })
  await app.ready()
  const policyPort = app.upc.policyPort()
  if (policyPort === null) throw new Error('the policy service did not start')
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal(created.statusCode, 201, 'jane.victim@example.org is blocked for the establishment')

  const snippet = readFileSync(SNIPPET, 'utf8')
  t.match(snippet, /check_policy_service inet:127\.0\.0\.1:10031,/, 'the shipped lines name the policy service')
  const { smtpPort, check, maillog } = await startPostfix(t, {
    mainCf: () => ['relay_transport = discard:', snippet.replaceAll('127.0.0.1:10031', `127.0.0.1:${policyPort}`)]
  })
  t.equal(check.code, 0, check.code === 0 ? 'postfix check passes' : `postfix check: ${check.output}${maillog()}`)

  const swaks = (from: string, to: string, quitAfterRcpt = true) => run(SWAKS, [
    '--server', `127.0.0.1:${smtpPort}`, '--from', from, '--to', to, '--timeout', '30',
    ...(quitAfterRcpt ? ['--quit-after', 'RCPT'] : [])
  ])

  const blocked = await swaks('A1234BC@prison.example', 'JANE.VICTIM+x@EXAMPLE.ORG')
  t.same(rcptReplies(blocked.output), [{ code: 554, text: `5.7.1 <JANE.VICTIM+x@EXAMPLE.ORG>: Recipient address rejected: ${ANSWER_TEXT.block.slice(6)}` }],
    'rejected at RCPT for good (5xx), with our neutral text after the address the sender typed')

  const allowed = await swaks('A1234BC@prison.example', 'someone.else@example.org', false)
  t.same(rcptReplies(allowed.output).map((reply) => reply.code), [250], 'another address is accepted at RCPT')
  t.match(allowed.output, /^<- +250 2\.0\.0 Ok: queued as /m, 'and the message is queued')
  t.equal(allowed.code, 0, 'swaks saw the whole transaction succeed')

  const both = await swaks('A1234BC@prison.example', 'someone.else@example.org,jane.victim@example.org', false)
  t.same(rcptReplies(both.output).map((reply) => reply.code), [250, 554], 'each recipient is checked: the blocked one is refused')
  t.match(both.output, /Ok: queued as /, 'the message goes to the other one only')

  const staff = await swaks('postmaster@prison.example', 'someone.else@example.org')
  t.same(rcptReplies(staff.output), [{ code: 450, text: `4.7.1 <someone.else@example.org>: Recipient address rejected: ${ANSWER_TEXT.noPrisoner.slice(6)}` }],
    'a sender without a prisoner number is deferred (4xx), not accepted')

  // upc-guard stops: Postfix cannot reach the policy port, and defers rather than accepts.
  await app.close()
  const down = await swaks('A1234BC@prison.example', 'someone.else@example.org')
  const downReplies = rcptReplies(down.output)
  t.same(downReplies.map((reply) => reply.code), [451], 'deferred (4xx) with the policy port down, not accepted')
  t.match(downReplies[0]?.text, /^4\.3\.5 .*Server configuration problem/)
  t.notMatch(down.output, /queued as/)
  t.match(maillog(), /warning: (?:connect to|problem talking to server) 127\.0\.0\.1:\d+: Connection refused/, 'Postfix logged why')
})
