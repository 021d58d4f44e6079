import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, auth, buildTestApp, fetchVia, tempDir } from '../helper.js'
import { closedCount, rawConnection, within } from '../sockets.js'
import type { RawConnection } from '../sockets.js'

/**
 * The HTTP port under connection attacks, over real sockets, with small limits set for the test:
 * silent connections and trickled bodies are cut, the cap closes new connections at once, and a
 * good client is answered throughout.
 */
const HEALTH = 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n'
const SECURITY = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' }

async function listening (t: Test, http: Record<string, number>, logFile?: string, options: { env?: Record<string, string>, fetch?: typeof fetch } = {}) {
  const dir = tempDir(t)
  const file = join(dir, 'upc.json')
  writeFileSync(file, JSON.stringify({ http }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_CONFIG: file, ...options.env }, ...(logFile === undefined ? {} : { logFile }), ...(options.fetch === undefined ? {} : { fetch: options.fetch }) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('not listening')
  return { app, port: address.port }
}

function isClosed (connection: RawConnection): boolean {
  return connection.socket.destroyed || connection.socket.readyState === 'closed'
}

t.test('silent connections and trickled bodies are cut by the header and request timeouts; a good client is answered throughout', async (t) => {
  const { port } = await listening(t, { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 60000, keepAliveTimeoutMs: 60000 })
  const kept = await rawConnection(port)
  t.teardown(() => kept.socket.destroy())
  t.equal((await kept.ask(HEALTH)).status, 200)

  const silent = await Promise.all(Array.from({ length: 50 }, async () => rawConnection(port)))
  const slow = await Promise.all(Array.from({ length: 10 }, async () => rawConnection(port)))
  const attackers = [...silent, ...slow]
  t.teardown(() => { for (const connection of attackers) connection.socket.destroy() })
  // A check whose 200-byte body comes one byte every 50 ms: never quiet, never whole in time.
  const bytesSent = slow.map(() => 0)
  const trickle = slow.map(async (connection, i) => {
    connection.socket.write(`POST /v1/check HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKENS.check}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n`)
    for (let byte = 0; byte < 200 && !isClosed(connection); byte++) {
      connection.socket.write(' ')
      bytesSent[i] = byte + 1
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })

  let gone = false
  const allGone = within(closedCount(attackers, attackers.length), 15000, 'every silent and slow connection closed').finally(() => { gone = true })
  let answered = 0
  let asked = 0
  for (let i = 0; i < 1000 && !gone; i++) {
    asked++
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) answered++
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await allGone
  await Promise.all(trickle)
  t.equal(answered, asked, `every check of the good client was answered during the attack (${answered})`)
  t.ok(bytesSent.every((bytes) => bytes < 200), `each trickled body was cut before it ended (bytes sent: ${bytesSent.join(', ')})`)
  const texts = await Promise.all(attackers.map(async (connection) => connection.closed))
  t.equal(texts.filter((text) => text.startsWith('HTTP/1.1 408 ')).length, attackers.length, 'each was answered 408 and closed')
  t.equal((await kept.ask(HEALTH)).status, 200, 'a keep-alive connection quiet for longer than the request timeouts is still served')
})

t.test('past maxConnections a new connection is closed at once; the open ones keep being answered', async (t) => {
  const logFile = join(tempDir(t), 'log.ndjson')
  const { port } = await listening(t, { maxConnections: 40, headersTimeoutMs: 60000, requestTimeoutMs: 60000 }, logFile)
  const good = await rawConnection(port)
  t.teardown(() => good.socket.destroy())
  t.equal((await good.ask(HEALTH)).status, 200)

  // 50 more: 39 fit beside the good one under the cap of 40, 11 do not.
  const more = await Promise.all(Array.from({ length: 50 }, async () => rawConnection(port)))
  t.teardown(() => { for (const connection of more) connection.socket.destroy() })
  await within(closedCount(more, 11), 10000, '11 of 50 closed at the cap')
  t.equal((await good.ask(HEALTH)).status, 200, 'the good connection opened before is still answered')
  const open = more.filter((connection) => !isClosed(connection))
  t.equal(open.length, 39, 'exactly the connections under the cap stay open')
  const answers = await within(Promise.all(open.map(async (connection) => connection.ask(HEALTH))), 10000, 'every open connection answered')
  t.ok(answers.every((answer) => answer.status === 200), 'and each of them is served')
  t.same(await Promise.all(more.filter(isClosed).map(async (connection) => connection.closed)), Array.from({ length: 11 }, () => ''), 'the refused ones were closed without a byte')

  const refused = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'connections refused at the cap')
  t.match(refused, [{ service: 'http', refused: { maxConnections: 1, maxConnectionsPerSource: 0 } }], 'one log line: the first refusal at once, the rest counted for the next')
})

t.test('a connection that sends half its headers and stops is cut by headersTimeoutMs with a 408 that carries the security headers', async (t) => {
  const { port } = await listening(t, { headersTimeoutMs: 300, requestTimeoutMs: 600 })
  const connection = await rawConnection(port)
  t.teardown(() => connection.socket.destroy())
  connection.socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-half: ')
  const text = await within(connection.closed, 10000, 'cut')
  t.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/)
  for (const [name, value] of Object.entries(SECURITY)) t.match(text, new RegExp(`\r\n${name}: ${value}\r\n`, 'i'), name)
  t.match(text, /\r\n\r\n\{"error":"request_timeout","message":"the request did not arrive in time"\}$/)
})

t.test('a manual sync quiet for longer than idleTimeoutMs is still answered: the idle timeout is for clients, not for our work', async (t) => {
  const hub = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const viaHub = fetchVia(hub.app)
  // Each feed page takes 800 ms to come: a sync of two runs (the one at start, then ours) is quiet
  // on the admin's connection for well past the 300 ms idle timeout.
  const slowHub: typeof fetch = async (input, init) => {
    await new Promise((resolve) => setTimeout(resolve, 800))
    return viaHub(input, init)
  }
  const { port } = await listening(t, { idleTimeoutMs: 300 }, undefined, {
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' },
    fetch: slowHub
  })
  const res = await fetch(`http://127.0.0.1:${port}/v1/sync`, { method: 'POST', headers: auth('admin') })
  t.equal(res.status, 200)
  t.match(await res.json(), { ok: true, error: null })
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200)
})
