import { readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { buildTestApp, tempDir } from '../helper.js'
import { closedCount, within } from '../sockets.js'
import { policyClient, request } from './policy-client.js'
import type { PolicyClient } from './policy-client.js'

/**
 * The policy port under connection attacks, over real sockets, with small limits set for the test:
 * silent and trickling connections are cut, the caps close new connections at once, and a good
 * client (Postfix) is answered throughout.
 */
const ASK = request({ sender: 'A1234BC@prison.example', recipient: 'someone.else@example.org' })
const DUNNO = ['action=DUNNO']

async function appWithLimits (t: Test, policy: Record<string, number>, logFile?: string) {
  const dir = tempDir(t)
  const file = join(dir, 'upc.json')
  writeFileSync(file, JSON.stringify({ policy }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_POLICY_PORT: '0', UPC_CONFIG: file }, ...(logFile === undefined ? {} : { logFile }) })
  await app.ready()
  const port = app.upc.policyPort()
  if (port === null) throw new Error('the policy service did not start')
  return { app, port }
}

function isClosed (client: PolicyClient): boolean {
  return client.socket.destroyed || client.socket.readyState === 'closed'
}

/** Whether this machine lets a socket start from 127.0.0.2 (all of 127/8 is loopback on Linux). */
async function secondLoopback (): Promise<boolean> {
  const server = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const ok = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
  await new Promise((resolve) => server.close(resolve))
  return ok
}

const SECOND_SOURCE = await secondLoopback() ? false : 'this machine does not let a socket start from 127.0.0.2, so there is no second source address to test with'

t.test('past the per-source and total caps a new connection is closed at once; open ones and another source are answered', { skip: SECOND_SOURCE }, async (t) => {
  const logFile = join(tempDir(t), 'log.ndjson')
  const { port } = await appWithLimits(t, { maxConnections: 60, maxConnectionsPerSource: 40, requestTimeoutMs: 60000, idleTimeoutMs: 60000 }, logFile)
  const clients: PolicyClient[] = []
  t.teardown(() => { for (const client of clients) client.socket.destroy() })

  const good = await policyClient(port)
  clients.push(good)
  t.same(await good.ask(ASK), DUNNO)

  // 50 more from 127.0.0.1: 39 fit beside the good one under the per-source cap of 40, 11 do not.
  const first = await Promise.all(Array.from({ length: 50 }, async () => policyClient(port)))
  clients.push(...first)
  await within(closedCount(first, 11), 10000, '11 of 50 closed at the per-source cap')
  t.same(await good.ask(ASK), DUNNO, 'the good connection opened before is still answered')

  const other = await policyClient(port, '127.0.0.2')
  clients.push(other)
  t.same(await other.ask(ASK), DUNNO, 'another source is answered while 127.0.0.1 is at its cap')

  // 30 more from 127.0.0.2: 41 are open, so 19 fit under the total cap of 60 and 11 do not.
  const second = await Promise.all(Array.from({ length: 30 }, async () => policyClient(port, '127.0.0.2')))
  clients.push(...second)
  await within(closedCount(second, 11), 10000, '11 of 30 closed at the total cap')
  t.same(await good.ask(ASK), DUNNO, 'still answered at the total cap')
  t.same(await other.ask(ASK), DUNNO)

  const open = [...first, ...second].filter((client) => !isClosed(client))
  t.equal(open.length, 39 + 19, 'exactly the connections under the caps stay open')
  const answers = await within(Promise.all(open.map(async (client) => client.ask(ASK))), 10000, 'every open connection answered')
  t.ok(answers.every((answer) => answer[0] === DUNNO[0]), 'and each of them is served')

  const log = readFileSync(logFile, 'utf8')
  const refused = log.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'connections refused at the cap')
  t.match(refused[0], { service: 'postfix-policy', refused: { maxConnectionsPerSource: 1, maxConnections: 0 } }, 'the first refusal is logged at once, later ones counted for the next line')
  t.equal(refused.length, 1, 'one line, not one a refusal')
  t.notMatch(log, /127\.0\.0\.2/, 'no peer address in the log')
})

t.test('a silent connection and a trickled request are cut after requestTimeoutMs; a good client is answered throughout', async (t) => {
  const { port } = await appWithLimits(t, { requestTimeoutMs: 1000, idleTimeoutMs: 60000 })
  // Each asks at once: a connection that has sent nothing for requestTimeoutMs is cut too.
  const good = await policyClient(port)
  t.teardown(() => good.socket.destroy())
  t.same(await good.ask(ASK), DUNNO)
  const busy = await policyClient(port)
  t.teardown(() => busy.socket.destroy())
  t.same(await busy.ask(ASK), DUNNO)

  const silent = await Promise.all(Array.from({ length: 50 }, async () => policyClient(port)))
  const slow = await Promise.all(Array.from({ length: 10 }, async () => policyClient(port)))
  t.teardown(() => { for (const client of [...silent, ...slow]) client.socket.destroy() })
  // One attribute every 50 ms, never the empty line that ends a request, at most 100 of them (5 s).
  const linesSent = slow.map(() => 0)
  const trickle = slow.map(async (client, i) => {
    for (let line = 0; line < 100 && !isClosed(client); line++) {
      client.socket.write(`name${line}=value\n`)
      linesSent[i] = line + 1
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })

  // The busy client asks again and again until every attacker is gone.
  const attackers = [...silent, ...slow]
  let gone = false
  const allGone = within(closedCount(attackers, attackers.length), 15000, 'every silent and slow connection closed').finally(() => { gone = true })
  let answered = 0
  for (let i = 0; i < 1000 && !gone; i++) {
    const answer = await busy.ask(ASK)
    if (answer[0] === DUNNO[0]) answered++
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await allGone
  await Promise.all(trickle)
  t.ok(answered > 0, `the busy client was answered during the attack (${answered} answers)`)
  t.ok(linesSent.every((lines) => lines < 100), `each trickled request was cut before it ended (lines sent: ${linesSent.join(', ')})`)
  t.same(await Promise.all(attackers.map(async (client) => client.closed)), attackers.map(() => ''), 'closed without an answer')
  t.same(await good.ask(ASK), DUNNO, 'quiet between requests for longer than requestTimeoutMs is fine: that is idleTimeoutMs')
})

t.test('a request past maxRequestBytes is dropped, though each line is short', async (t) => {
  const { port } = await appWithLimits(t, { maxRequestBytes: 1024 })
  const client = await policyClient(port)
  t.teardown(() => client.socket.destroy())
  // 20 lines of 100 characters and a newline: 2020 bytes
  client.socket.write(Array.from({ length: 20 }, (_, i) => `a${String(i).padStart(2, '0')}=${'x'.repeat(96)}\n`).join(''))
  t.equal(await within(client.closed, 10000, 'dropped'), '', 'dropped without an answer')
  const next = await policyClient(port)
  t.teardown(() => next.socket.destroy())
  t.same(await next.ask(ASK), DUNNO, 'the next connection is served')
})
