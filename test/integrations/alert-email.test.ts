import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

/**
 * A new alert reaches the security inbox through a real Postfix: Debian's Postfix started on a
 * throwaway config directory with an smtpd on a free loopback port, delivering the establishment's
 * security domain to a Maildir (virtual(8)), which the test reads.
 */
const POSTFIX = '/usr/sbin/postfix'
const DOMAIN = 'hli.prison.example'

function skipReason (): string | false {
  if (!existsSync(POSTFIX)) return `${POSTFIX} is not installed (apt-get install postfix)`
  // Postfix's master runs as root and drops to mail_owner; a throwaway instance cannot start otherwise.
  if (process.getuid?.() !== 0) return 'Postfix can only be started as root'
  return false
}

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function run (file: string, args: string[]): Promise<{ code: number, output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 45000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, output: `${stdout}${stderr}` })
    })
  })
}

function mainCf (base: string, uid: string, gid: string): string {
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
    `virtual_mailbox_domains = ${DOMAIN}`,
    `virtual_mailbox_base = ${join(base, 'mail')}`,
    // every address of the domain to one Maildir (the trailing slash makes it a Maildir)
    'virtual_mailbox_maps = static:security/',
    `virtual_uid_maps = static:${uid}`,
    `virtual_gid_maps = static:${gid}`,
    'default_transport = discard:',
    'alias_maps =',
    'alias_database =',
    'biff = no',
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
    'virtual unix - n n - - virtual',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    ''
  ].join('\n')
}

t.test('a new alert is emailed to the security inbox through Postfix, with references and prisoner numbers only', { skip: skipReason() }, async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'upc-postfix-mail-'))
  chmodSync(base, 0o755)
  const conf = join(base, 'conf')
  for (const dir of ['conf', 'queue', 'data', 'mail']) mkdirSync(join(base, dir))
  execFileSync('chown', ['postfix', join(base, 'data')])
  execFileSync('chown', ['postfix:postfix', join(base, 'mail')])
  const uid = execFileSync('id', ['-u', 'postfix']).toString().trim()
  const gid = execFileSync('id', ['-g', 'postfix']).toString().trim()
  writeFileSync(join(conf, 'main.cf'), mainCf(base, uid, gid))
  const maillog = () => (existsSync(join(base, 'maillog')) ? readFileSync(join(base, 'maillog'), 'utf8') : '')
  t.teardown(async () => {
    await run(POSTFIX, ['-c', conf, 'stop'])
    rmSync(base, { recursive: true, force: true })
  })
  // The port is found free, then bound by Postfix's master: retried on a fresh one if taken between.
  let smtpPort = 0
  for (let attempt = 1; smtpPort === 0; attempt++) {
    const port = await freePort()
    writeFileSync(join(conf, 'master.cf'), masterCf(port))
    const started = await run(POSTFIX, ['-c', conf, 'start'])
    if (started.code === 0) smtpPort = port
    else if (attempt === 5 || !/Address already in use/.test(`${started.output}${maillog()}`)) throw new Error(`postfix did not start: ${started.output}${maillog()}`)
  }

  const { app } = await buildTestApp(t, {
    env: {
      UPC_ALERTS_SMTP_HOST: '127.0.0.1',
      UPC_ALERTS_SMTP_PORT: String(smtpPort),
      UPC_ALERTS_EMAIL_FROM: 'upc-guard@mail.prison.example',
      UPC_ALERTS_EMAIL_TO: `security@${DOMAIN}`,
      UPC_ALERTS_PAGE_URL: 'https://upc.hli.example.org'
    }
  })
  const block = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const ring = (prisoner: string) => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner, phone: '07700 900123' } })
  await ring('A1234BC')
  await ring('B2345CD')
  app.upc.alertsNow() // the job's run, now
  const [alert] = (await app.inject({ method: 'GET', url: '/v1/alerts', headers: auth('admin') })).json().items
  t.equal(alert?.type, 'relay')

  // Delivered once Postfix's queue manager has run the virtual agent; 30 s is far beyond it.
  const inbox = join(base, 'mail', 'security', 'new')
  let files: string[] = []
  for (let i = 0; i < 300 && files.length === 0; i++) {
    files = existsSync(inbox) ? readdirSync(inbox) : []
    if (files.length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(files.length, 1, `one message in the security Maildir${files.length === 0 ? `: ${maillog()}` : ''}`)
  const message = readFileSync(join(inbox, files[0] as string), 'utf8')
  t.match(message, /^From: upc-guard@mail\.prison\.example\r?$/m)
  t.match(message, new RegExp(`^To: security@${DOMAIN.replaceAll('.', '\\.')}\\r?$`, 'm'))
  t.match(message, new RegExp(`^Subject: \\[upc-guard HLI\\] Alert ${alert.id}: relay on ${block.reference}\\r?$`, 'm'))
  t.match(message, /^Prisoner number\(s\): A1234BC, B2345CD\r?$/m)
  t.match(message, new RegExp(`^Block reference\\(s\\): ${block.reference}\\r?$`, 'm'))
  t.match(message, new RegExp(`^Open the block on the SPOC page: https://upc\\.hli\\.example\\.org/spoc#/entries/${block.reference}\\r?$`, 'm'))
  t.notMatch(message, /900123|jane|victim|Acacia|LS1|Doe/i, 'no detail, name or reason leaves the daemon')
})
