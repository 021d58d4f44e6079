/**
 * Connection attacks on a real daemon with its default limits (config/default.json): silent HTTP
 * connections, HTTP bodies trickled a byte at a time, and silent connections to the policy port from
 * one source, while good clients ask throughout. Prints when each kind was cut and how the good
 * clients fared: the figures in docs/RELIABILITY.md ("Connection limits").
 *   npx tsx scripts/conn-attack.ts [--idle 200] [--slow 200] [--every 5000] [--policy 520]
 * It asserts nothing; test/plugins/connections.test.ts and test/policy/policy-server-limits.test.ts
 * prove the same with small limits.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startDaemon } from './lib/daemon.js'

const { values } = parseArgs({ options: { idle: { type: 'string', default: '200' }, slow: { type: 'string', default: '200' }, every: { type: 'string', default: '5000' }, policy: { type: 'string', default: '520' } } })
const TOKEN = 'attack-check-token-0123456789'
const POLICY_ASK = 'request=smtpd_access_policy\nprotocol_state=RCPT\nsender=A1234BC@prison.example\nrecipient=someone.else@example.org\n\n'

interface Victim { socket: Socket, openedAt: number, closedAt: number | null, received: string, sent: number }

async function open (port: number, localAddress?: string): Promise<Victim> {
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress === undefined ? {} : { localAddress }) })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  const victim: Victim = { socket, openedAt: performance.now(), closedAt: null, received: '', sent: 0 }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { victim.received += chunk })
  socket.on('error', () => {})
  socket.on('close', () => { victim.closedAt = performance.now() })
  return victim
}

/** A policy connection that asks and counts its answers. */
function asker (victim: Victim) {
  let asked = 0
  return {
    ask: () => { asked++; victim.socket.write(POLICY_ASK) },
    tally: () => `${victim.received.split('action=DUNNO').length - 1}/${asked} answered${victim.closedAt === null ? '' : ' (closed)'}`
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1)
function cut (victims: Victim[]): string {
  const times = victims.filter((v) => v.closedAt !== null).map((v) => (v.closedAt ?? 0) - v.openedAt).sort((a, b) => a - b)
  const open = victims.length - times.length
  const fast = times.filter((ms) => ms < 1000).length
  const late = times.filter((ms) => ms >= 1000)
  return `${victims.length} opened: ${fast} closed within 1 s, ${late.length} closed after ${seconds(late[0] ?? 0)}-${seconds(late[late.length - 1] ?? 0)} s, ${open} still open`
}

/** A port free a moment ago, for the policy service (it listens on a configured port). */
async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'upc-attack-'))
const policyPort = await freePort()
const daemon = await startDaemon({
  UPC_DB: join(dir, 'upc-guard.db'),
  UPC_ESTABLISHMENT: 'HLI',
  UPC_TOKENS: JSON.stringify([{ name: 'pbx', roles: ['check'], token: TOKEN }]),
  UPC_POLICY_PORT: String(policyPort)
})
const port = Number(new URL(daemon.base).port)
try {
  const started = performance.now()
  const postfix = asker(await open(policyPort))
  postfix.ask()

  const idle = await Promise.all(Array.from({ length: Number(values.idle) }, async () => open(port)))
  const slow = await Promise.all(Array.from({ length: Number(values.slow) }, async () => open(port)))
  for (const victim of slow) {
    victim.socket.write(`POST /v1/check HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n`)
  }
  const trickle = setInterval(() => {
    for (const victim of slow) if (victim.closedAt === null) { victim.socket.write(' '); victim.sent++ }
  }, Number(values.every))
  const policyIdle = await Promise.all(Array.from({ length: Number(values.policy) }, async () => open(policyPort)))
  const other = asker(await open(policyPort, '127.0.0.2'))

  let httpAsked = 0
  let httpAnswered = 0
  const attackers = [...idle, ...slow, ...policyIdle]
  for (let tick = 0; tick < 240 && attackers.some((v) => v.closedAt === null); tick++) {
    httpAsked++
    const res = await fetch(`http://127.0.0.1:${port}/v1/check/phone?prisoner=A1234BC&number=07700900123`, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => null)
    if (res?.status === 200) httpAnswered++
    postfix.ask()
    other.ask()
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  clearInterval(trickle)
  console.log(`after ${seconds(performance.now() - started)} s:`)
  console.log(`http silent:          ${cut(idle)}`)
  console.log(`http slow (1 byte every ${values.every} ms): ${cut(slow)}; answered 408: ${slow.filter((v) => v.received.startsWith('HTTP/1.1 408 ')).length}; most bytes sent: ${Math.max(...slow.map((v) => v.sent))}`)
  console.log(`policy silent, one source: ${cut(policyIdle)}`)
  console.log(`good http client:     ${httpAnswered}/${httpAsked} checks answered 200`)
  console.log(`policy connection opened before the attack (127.0.0.1): ${postfix.tally()}`)
  console.log(`policy connection from a second source (127.0.0.2): ${other.tally()}`)
  for (const victim of attackers) victim.socket.destroy()
} finally {
  daemon.child.kill('SIGTERM')
  await daemon.exited
  rmSync(dir, { recursive: true, force: true })
}
