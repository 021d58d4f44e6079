import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ANSWER_TEXT } from '../../src/policy/policy-check.js'
import { auth, buildTestApp, entryBody } from '../helper.js'

/**
 * Debian's Postfix, started on a throwaway config directory (its own queue and data directories, an
 * smtpd on a free loopback port), with the main.cf lines shipped in integrations/postfix/ pointing at
 * a real upc-guard's policy port; swaks plays the prisoners' mail system.
 */
const POSTFIX = '/usr/sbin/postfix'
const SWAKS = '/usr/bin/swaks'
const SNIPPET = new URL('../../integrations/postfix/main.cf', import.meta.url)

function skipReason (): string | false {
  if (!existsSync(POSTFIX)) return `${POSTFIX} is not installed (apt-get install postfix)`
  if (!existsSync(SWAKS)) return `${SWAKS} is not installed (apt-get install swaks)`
  // Postfix's master runs as root and drops to mail_owner; a throwaway instance cannot start otherwise.
  if (process.getuid?.() !== 0) return 'Postfix can only be started as root'
  return false
}

/** A TCP port nobody holds on 127.0.0.1 right now; whoever binds it must retry if another took it. */
async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Runs a program to its end; a non-zero exit is a result here, not an error. */
async function run (file: string, args: string[]): Promise<{ code: number, output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 45000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
      resolve({ code, output: `${stdout}${stderr}` })
    })
  })
}

/** Only what this test needs of a mail system: everything accepted is thrown away (discard). */
function baseMainCf (base: string): string {
  return [
    'compatibility_level = 3.6',
    `queue_directory = ${join(base, 'queue')}`,
    `data_directory = ${join(base, 'data')}`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = mail.prison.example',
    'mydestination =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    'default_transport = discard:',
    'relay_transport = discard:',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    // Postfix logs to syslog by default; a container has none, so to a file through postlogd.
    `maillog_file = ${join(base, 'maillog')}`,
    `maillog_file_prefixes = ${base}`,
    ''
  ].join('\n')
}

function masterCf (smtpPort: number): string {
  return [
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'proxymap unix - - n - - proxymap',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    ''
  ].join('\n')
}

interface Reply { code: number, text: string }

/** The server's replies to each RCPT TO in a swaks transcript (`<-  250 ...` or `<** 554 ...`). */
function rcptReplies (transcript: string): Reply[] {
  return [...transcript.matchAll(/^ -> RCPT TO:.*\n<(?:-|\*\*) +(\d{3})[ -](.*)$/gm)].map((m) => ({ code: Number(m[1]), text: m[2] ?? '' }))
}

t.test('Postfix asks upc-guard at RCPT: a disguised blocked address is rejected, another accepted, and with upc-guard down the mail is deferred', { skip: skipReason() }, async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_POLICY_PORT: '0' } })
  await app.ready()
  const policyPort = app.upc.policyPort()
  if (policyPort === null) throw new Error('the policy service did not start')
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal(created.statusCode, 201, 'jane.victim@example.org is blocked for the establishment')

  // The instance: config, queue and data side by side (Postfix wants its config tree owned by root
  // and its data directory by mail_owner), readable by the postfix user.
  const base = mkdtempSync(join(tmpdir(), 'upc-postfix-'))
  chmodSync(base, 0o755)
  const conf = join(base, 'conf')
  for (const dir of ['conf', 'queue', 'data']) mkdirSync(join(base, dir))
  execFileSync('chown', ['postfix', join(base, 'data')])
  const snippet = readFileSync(SNIPPET, 'utf8')
  t.match(snippet, /check_policy_service inet:127\.0\.0\.1:10031,/, 'the shipped lines name the policy service')
  writeFileSync(join(conf, 'main.cf'), baseMainCf(base) + snippet.replaceAll('127.0.0.1:10031', `127.0.0.1:${policyPort}`))
  const maillog = () => (existsSync(join(base, 'maillog')) ? readFileSync(join(base, 'maillog'), 'utf8') : '')

  t.teardown(async () => {
    await run(POSTFIX, ['-c', conf, 'stop'])
    rmSync(base, { recursive: true, force: true })
  })
  // The SMTP port is found free, then bound by Postfix's master: another process may take it in
  // between, so a start that fails on a taken port is tried again on a fresh one, a bounded number
  // of times. `start` returns once the master has opened its listeners (master -w), or fails.
  let smtpPort = 0
  for (let attempt = 1; smtpPort === 0; attempt++) {
    const port = await freePort()
    writeFileSync(join(conf, 'master.cf'), masterCf(port))
    if (attempt === 1) {
      const check = await run(POSTFIX, ['-c', conf, 'check'])
      t.equal(check.code, 0, check.code === 0 ? 'postfix check passes' : `postfix check: ${check.output}${maillog()}`)
    }
    const started = await run(POSTFIX, ['-c', conf, 'start'])
    if (started.code === 0) smtpPort = port
    else if (attempt === 5 || !/Address already in use/.test(`${started.output}${maillog()}`)) throw new Error(`postfix did not start: ${started.output}${maillog()}`)
  }

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
