import { readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import type { Test } from 'tap'
import { ANSWER_TEXT } from '../../src/policy/policy-check.js'
import { auth, buildTestApp, entryBody, tempDir } from '../helper.js'
import { policyClient, request } from './policy-client.js'

const rcpt = (sender: string, recipient: string) => request({ sender, recipient })
const PRISONER = 'A1234BC@prison.example'
const REJECT = `action=REJECT ${ANSWER_TEXT.block}`
const DEFER_NO_PRISONER = `action=DEFER ${ANSWER_TEXT.noPrisoner}`

async function appWithPolicy (t: Test, env: Record<string, string> = {}, options: { logFile?: string, dir?: string } = {}) {
  const built = await buildTestApp(t, { ...options, env: { UPC_POLICY_PORT: '0', ...env } })
  await built.app.ready()
  const port = built.app.upc.policyPort()
  if (port === null) throw new Error('the policy service did not start')
  return { ...built, port }
}

async function block (app: FastifyInstance): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  if (res.statusCode !== 201) throw new Error(`entry not created: ${res.statusCode}`)
  return res.json().id as string
}

t.test('off by default: no port, nothing listening', async (t) => {
  const { app } = await buildTestApp(t)
  await app.ready()
  t.equal(app.upc.policyPort(), null)
})

t.test('a real socket: block, allow and no prisoner, many requests on one connection, logged and audited without the address', async (t) => {
  const logFile = join(tempDir(t), 'log.ndjson')
  const { app, port } = await appWithPolicy(t, {}, { logFile })
  const entryId = await block(app)
  const client = await policyClient(port)
  t.teardown(() => client.socket.destroy())

  t.same(await client.ask(rcpt(PRISONER, 'JANE.VICTIM+x@EXAMPLE.ORG')), [REJECT], 'a disguised blocked address is rejected')
  t.same(await client.ask(rcpt('a1234bc@prison.example', 'jane.victim@example.org')), [REJECT], 'the prisoner number in any case')
  t.same(await client.ask(rcpt(PRISONER, 'someone.else@example.org')), ['action=DUNNO'], 'another address is left to Postfix')
  t.same(await client.ask(rcpt(PRISONER, 'jane.victim@example.org').replace('protocol_state=RCPT', 'protocol_state=MAIL')), ['action=DUNNO'], 'only RCPT is checked')
  t.same(await client.ask(rcpt('staff@prison.example', 'jane.victim@example.org')), [DEFER_NO_PRISONER], 'no prisoner number in the sender')
  t.same(await client.ask(rcpt('', 'jane.victim@example.org')), [DEFER_NO_PRISONER], 'the null sender (a bounce)')
  t.same(await client.ask(rcpt(PRISONER, '')), [`action=DEFER ${ANSWER_TEXT.badRequest}`], 'no recipient: cannot decide')
  t.same(await client.ask(rcpt(PRISONER, `${'x'.repeat(320)}@example.org`)), [`action=DEFER ${ANSWER_TEXT.badRequest}`], 'past the API\'s email bounds')
  t.same(await client.ask(request({ request: 'junk_request', sender: PRISONER, recipient: 'x@example.org' })), [`action=DEFER ${ANSWER_TEXT.badRequest}`], 'not a policy request')
  t.same(await client.ask(request({ protocol_state: 'jane.victim@example.org', sender: PRISONER, recipient: 'x@example.org' })), ['action=DUNNO'], 'an unknown stage is not RCPT')

  // 300 requests in one write, blocked and allowed in turn, answered in order on the same connection
  const many = Array.from({ length: 300 }, (_, i) => rcpt(PRISONER, i % 2 === 0 ? `Jane.Victim+${i}@example.org` : `other${i}@example.org`)).join('')
  const answers = await client.ask(many, 300)
  t.equal(answers.length, 300)
  t.ok(answers.every((answer, i) => answer === (i % 2 === 0 ? REJECT : 'action=DUNNO')), 'every answer in order')
  t.same(await client.ask(rcpt(PRISONER, 'jane.victim@example.org')), [REJECT], 'the connection is still open')

  const audit = await app.inject({ method: 'GET', url: '/v1/audit?action=check&limit=500', headers: auth('admin') })
  const items = audit.json().items as Array<{ actor: string, entryId: string | null, detail: { channel: string, prisoner: string, decision: string } }>
  const ours = items.filter((item) => item.actor === 'postfix-policy')
  t.equal(ours.length, 3 + 301, 'every checked RCPT is audited like an HTTP check')
  t.equal(ours.filter((item) => item.detail.decision === 'block' && item.entryId === entryId).length, 2 + 151)
  t.ok(ours.every((item) => item.detail.channel === 'email' && item.detail.prisoner === 'A1234BC'))
  t.notMatch(audit.body, /jane|victim|someone|other\d/i, 'no address in the audit trail')

  const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  const policyLines = lines.filter((line) => line.msg === 'policy request')
  t.equal(policyLines.length, 10 + 301, 'one line per request')
  t.match(policyLines[9], { action: 'DUNNO', state: 'other' }, 'a stage Postfix does not have is logged as other, never as sent')
  t.match(policyLines[0], { client: 'postfix-policy', action: 'REJECT', state: 'RCPT', prisoner: 'A1234BC', decision: 'block', entryIds: [entryId] })
  t.equal((policyLines[0]?.keyHashes as string[]).length > 0, true, 'with the keyed hashes tried')
  t.match(policyLines[2], { action: 'DUNNO', decision: 'allow', entryIds: [] })
  t.match(policyLines[4], { action: 'DEFER', reason: 'no_prisoner' })
  t.notMatch(readFileSync(logFile, 'utf8'), /jane|victim|someone|other\d|prison\.example|example\.org/i, 'no address in the log')
})

t.test('a pattern of the operator\'s own, and a capture that is not a prisoner number', async (t) => {
  const { app, port } = await appWithPolicy(t, { UPC_POLICY_PRISONER_FROM: '^inmate\\.([^@]+)@' })
  await block(app)
  const client = await policyClient(port)
  t.teardown(() => client.socket.destroy())
  t.same(await client.ask(rcpt('inmate.a1234bc@prison.example', 'jane.victim@example.org')), [REJECT])
  t.same(await client.ask(rcpt(PRISONER, 'jane.victim@example.org')), [DEFER_NO_PRISONER], 'the default form no longer matches')
  t.same(await client.ask(rcpt('inmate.nobody@prison.example', 'jane.victim@example.org')), [DEFER_NO_PRISONER], 'not a NOMIS number')
})

t.test('an index that cannot be loaded: DEFER, never DUNNO', async (t) => {
  const first = await buildTestApp(t)
  await block(first.app)
  await first.app.close()
  // Corrupt the stored keys behind the daemon's back so that the next load fails (as in test/routes/check.test.ts).
  const db = new Database(first.config.db)
  db.prepare("UPDATE entry_details SET match_keys = 'not json'").run()
  db.close()
  const { port } = await appWithPolicy(t, {}, { dir: first.dir })
  const client = await policyClient(port)
  t.teardown(() => client.socket.destroy())
  t.same(await client.ask(rcpt(PRISONER, 'someone.else@example.org')), [`action=DEFER ${ANSWER_TEXT.unavailable}`])
})

t.test('garbage and huge input drop that connection, and the daemon serves the next one', async (t) => {
  const { port } = await appWithPolicy(t)
  const garbage = [
    'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
    '\u0000\u00ff\u0007\n\n',
    '\n\n\n\n',
    'x'.repeat(1024 * 1024),
    Array.from({ length: 1000 }, (_, i) => `name${i}=value\n`).join('')
  ]
  for (const text of garbage) {
    const client = await policyClient(port)
    client.socket.write(text)
    t.equal(await client.closed, '', `dropped without an answer: ${JSON.stringify(text.slice(0, 16))}`)
  }
  const client = await policyClient(port)
  t.teardown(() => client.socket.destroy())
  t.same(await client.ask(rcpt(PRISONER, 'someone.else@example.org')), ['action=DUNNO'], 'still serving')
})

t.test('an idle connection is closed; stopping the app closes the open ones and the port', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'upc.json')
  writeFileSync(file, JSON.stringify({ policy: { idleTimeoutMs: 200 } }))
  const { app, port } = await appWithPolicy(t, { UPC_CONFIG: file })
  const idle = await policyClient(port)
  t.same(await idle.ask(rcpt(PRISONER, 'someone.else@example.org')), ['action=DUNNO'])
  t.equal(await idle.closed, 'action=DUNNO\n\n', 'closed by the daemon once quiet')

  const open = await policyClient(port)
  await open.ask(rcpt(PRISONER, 'someone.else@example.org'))
  await app.close()
  await open.closed
  t.pass('the open connection is closed with the app')
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(false) })
    socket.once('error', () => resolve(true))
  })
  t.ok(refused, 'nothing listens on the port any more')
})
