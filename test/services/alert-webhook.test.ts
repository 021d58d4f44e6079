import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, buildTestApp, entryBody, tempDir } from '../helper.js'

const SECRET = 'Vh3kQ9zR2mW7xT4pL8nB1cF6yD0sJ5gA'

interface Received { headers: IncomingHttpHeaders, body: string }

/** A receiver on a free loopback port: answers 503 to the first `failFirst` posts, then 204. */
async function receiver (t: Test, failFirst: number) {
  const received: Received[] = []
  const waiting: Array<{ n: number, resolve: () => void }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.statusCode = received.length <= failFirst ? 503 : 204
      res.end()
      for (const w of waiting.filter((w) => received.length >= w.n)) w.resolve()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/upc-alerts`,
    received,
    posts: (n: number) => new Promise<void>((resolve) => (received.length >= n ? resolve() : waiting.push({ n, resolve })))
  }
}

t.test('a new alert is posted to the webhook, signed, retried after a failure; checks over a real socket', async (t) => {
  const hook = await receiver(t, 1)
  const dir = tempDir(t)
  // retries soon: 10 ms, then 20 ms
  writeFileSync(join(dir, 'alerts.json'), JSON.stringify({ alerts: { webhook: { retryBaseMs: 10 } } }))
  const logFile = join(dir, 'daemon.log')
  const { app } = await buildTestApp(t, {
    logFile,
    env: {
      UPC_CONFIG: join(dir, 'alerts.json'),
      UPC_ALERTS_WEBHOOK_URL: hook.url,
      UPC_ALERTS_WEBHOOK_SECRET: SECRET,
      UPC_ALERTS_PAGE_URL: 'https://upc.hli.example.org/'
    }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: res.status, json: await res.json() as any } // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  const block = (await call(TOKENS.admin, 'POST', '/v1/entries', entryBody())).json
  t.equal((await call(TOKENS.check, 'POST', '/v1/check', { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' })).json.decision, 'block')
  t.equal((await call(TOKENS.check, 'POST', '/v1/check', { channel: 'mail', prisoner: 'B2345CD', address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' })).json.decision, 'block')
  app.upc.alertsNow() // the job's run, now
  const listed = await call(TOKENS.admin, 'GET', '/v1/alerts')
  t.same(listed.json.items.map((a: { type: string }) => a.type), ['relay'])

  await hook.posts(2)
  t.equal(hook.received.length, 2, 'the first post was refused (503) and retried once')
  const [first, second] = hook.received as [Received, Received]
  t.equal(first.body, second.body, 'the retry carries the same alert')
  const { headers, body } = second
  t.equal(headers['content-type'], 'application/json')
  const timestamp = String(headers['x-upc-timestamp'])
  t.match(timestamp, /^\d{10}$/, 'unix seconds')
  // The receiver's side, by hand: HMAC-SHA-256 of "<timestamp>.<body>" under the shared secret.
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`)
  const given = Buffer.from(String(headers['x-upc-signature']))
  t.ok(given.length === expected.length && timingSafeEqual(given, expected), 'the signature is valid')
  const wrong = createHmac('sha256', SECRET).update(`${Number(timestamp) + 1}.${body}`).digest('hex')
  t.not(String(headers['x-upc-signature']), `sha256=${wrong}`, 'and covers the timestamp')

  const notice = JSON.parse(body)
  t.same(notice, {
    alertId: listed.json.items[0].id,
    type: 'relay',
    summary: 'Possible relay: a blocked detail tried by more than one prisoner, or by a prisoner other than the block\'s own',
    establishment: 'HLI',
    references: [block.reference],
    entryIds: [block.id],
    prisoners: ['A1234BC', 'B2345CD'],
    attempts: 2,
    firstAt: listed.json.items[0].firstAt,
    raisedAt: listed.json.items[0].raisedAt,
    link: `https://upc.hli.example.org/spoc#/entries/${block.reference}`
  })
  t.notMatch(body, /900123|jane|victim|Acacia|LS1|Doe/i, 'no detail, name or reason leaves the daemon')

  // The sender counts a delivery once it has read the answer, a moment after the receiver sent it.
  let metrics = ''
  for (let i = 0; i < 100 && !/webhook",outcome="sent"\} 1/.test(metrics); i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKENS.metrics}` } })).text()
  }
  t.match(metrics, /\nupc_alert_notices_total\{channel="webhook",outcome="sent"\} 1\n/, 'one sent (the refused try was retried, not failed)')
  t.match(metrics, /\nupc_alert_notices_total\{channel="webhook",outcome="failed"\} 0\n/)

  // The log names the alert by id: its raising, the refused post, the retry that got through.
  const log = readFileSync(logFile, 'utf8')
  t.match(log, /"msg":"alert raised"/)
  t.match(log, /"msg":"alert not sent yet; will retry"/)
  t.match(log, /"msg":"alert sent"/)
  t.notMatch(log, /900123|jane|victim|Acacia|LS1|Doe|SECRET|Vh3kQ9zR2mW7/i, 'no detail, name or secret in the log')
})
