import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'
import { postfixSkipReason, startPostfix } from './postfix-instance.js'

/**
 * A new alert reaches the security inbox through a real Postfix: a throwaway instance
 * (postfix-instance.ts) delivering the establishment's security domain to a Maildir (virtual(8)),
 * which the test reads.
 */
const DOMAIN = 'hli.prison.example'

t.test('a new alert is emailed to the security inbox through Postfix, with references and prisoner numbers only', { skip: postfixSkipReason() }, async (t) => {
  const uid = execFileSync('id', ['-u', 'postfix']).toString().trim()
  const gid = execFileSync('id', ['-g', 'postfix']).toString().trim()
  const { base, smtpPort, maillog } = await startPostfix(t, {
    prepare: (base) => {
      mkdirSync(join(base, 'mail'))
      execFileSync('chown', ['postfix:postfix', join(base, 'mail')])
    },
    mainCf: (base) => [
      `virtual_mailbox_domains = ${DOMAIN}`,
      `virtual_mailbox_base = ${join(base, 'mail')}`,
      // every address of the domain to one Maildir (the trailing slash makes it a Maildir)
      'virtual_mailbox_maps = static:security/',
      `virtual_uid_maps = static:${uid}`,
      `virtual_gid_maps = static:${gid}`
    ],
    services: ['virtual unix - n n - - virtual']
  })

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
