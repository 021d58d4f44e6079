import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { api, startDaemon } from '../scripts/lib/daemon.js'

/**
 * SIGTERM with 200 checks in flight over real sockets: 100 with their body still arriving when the
 * signal comes, 100 on keep-alive connections, half of them pipelined. Every request gets a whole
 * answer (200 with the right decision, or a 503 refusal) or, if the daemon never took it, a closed
 * connection; never a wrong allow, never a hang. The daemon exits 0 and the audit trail holds a
 * record for every check it answered: the batched audit writer is flushed on close.
 */
const ADMIN = 'drain-admin-fe7ec092635903367ff17a01'
const CHECK = 'drain-check-545f78b5e1c7d40ba8acb702'
const BLOCKED = ['07700 900123', '+44 7700 900123', '07700900123', '+447700900123']
const ALLOWED = '07700 900456'

interface Sent { prisoner: string, expected: 'block' | 'allow' }
interface Answer { status: number, body: Record<string, unknown> }

/** One keep-alive connection: requests written in order, answers read back in the same order. */
function connection (port: number) {
  const socket: Socket = connect(port, '127.0.0.1')
  const sent: Sent[] = []
  const answers: Answer[] = []
  let buffer = Buffer.alloc(0)
  let onAnswer: (() => void) | null = null
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk])
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n')
      if (end === -1) return
      const head = buffer.subarray(0, end).toString('latin1')
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
      if (buffer.length < end + 4 + length) return
      const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8')
      buffer = buffer.subarray(end + 4 + length)
      answers.push({ status: Number(head.split(' ')[1]), body: JSON.parse(body) as Record<string, unknown> })
      onAnswer?.()
    }
  })
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => resolve())
    socket.on('error', () => { /* a reset: the requests after the last answer were not taken */ })
  })
  const request = (n: number): { head: string, body: string, item: Sent } => {
    const prisoner = `A${String(n).padStart(4, '0')}BC`
    const blocked = n % 2 === 0
    const body = JSON.stringify({ channel: 'phone', prisoner, phone: blocked ? BLOCKED[n % BLOCKED.length] : ALLOWED })
    const head = `POST /v1/check HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${CHECK}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`
    return { head, body, item: { prisoner, expected: blocked ? 'block' : 'allow' } }
  }
  return {
    sent,
    answers,
    closed,
    /** writes whole requests back to back without waiting (pipelining) */
    pipeline (numbers: number[]) {
      socket.write(numbers.map((n) => { const r = request(n); sent.push(r.item); return r.head + r.body }).join(''))
    },
    /** one request at a time, the next when the last is answered, until the connection closes */
    sequence (numbers: number[]) {
      const next = () => {
        const n = numbers.shift()
        if (n === undefined || socket.destroyed) return
        const r = request(n)
        sent.push(r.item)
        socket.write(r.head + r.body)
      }
      onAnswer = next
      next()
    },
    /** the headers and half the body now; the rest when told */
    partial (n: number) {
      const r = request(n)
      sent.push(r.item)
      const half = Math.floor(r.body.length / 2)
      socket.write(r.head + r.body.slice(0, half))
      return () => socket.write(r.body.slice(half))
    }
  }
}

t.test('SIGTERM with 200 checks in flight: all answered or refused cleanly, none lost', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'upc-drain-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'hli.db')
  const daemon = await startDaemon({
    UPC_ESTABLISHMENT: 'HLI',
    UPC_DB: db,
    UPC_KEY_FILE: join(dir, 'hli.key'),
    UPC_TOKENS: JSON.stringify([{ name: 'spoc', roles: ['admin'], token: ADMIN }, { name: 'pbx', roles: ['check'], token: CHECK }])
  })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const created = await api(daemon.base, ADMIN, 'POST', '/v1/entries', { scope: 'establishment', phones: ['07700 900123'], reason: 'Victim asked for no contact' })
  t.equal(created.status, 201)

  // 100 checks whose bodies are half sent: certainly in flight when the signal comes.
  const slow = Array.from({ length: 100 }, () => connection(daemon.port))
  const finish = slow.map((c, i) => c.partial(100 + i))
  // 50 pipelined on 5 connections and 50 one at a time on 5 more; the signal once each has an answer.
  const pipelined = Array.from({ length: 5 }, (_, i) => { const c = connection(daemon.port); c.pipeline(Array.from({ length: 10 }, (_, k) => i * 10 + k)); return c })
  const sequential = Array.from({ length: 5 }, (_, i) => { const c = connection(daemon.port); c.sequence(Array.from({ length: 10 }, (_, k) => 50 + i * 10 + k)); return c })
  for (let i = 0; i < 400 && [...pipelined, ...sequential].some((c) => c.answers.length === 0); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  await new Promise((resolve) => setTimeout(resolve, 100)) // the half-sent requests' headers are read
  daemon.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 100))
  for (const rest of finish) rest()

  const all = [...slow, ...pipelined, ...sequential]
  const ended = await Promise.race([
    Promise.all([daemon.exited, ...all.map((c) => c.closed)]).then(([code]) => ({ code })),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000))
  ])
  t.not(ended, null, 'no hang: the daemon exited and every connection closed')
  t.equal(ended?.code, 0, 'the daemon exits 0')

  let allowed = 0
  let blocked = 0
  let refused = 0
  let untaken = 0
  const answeredPrisoners: string[] = []
  for (const c of all) {
    c.answers.forEach((answer, i) => {
      const item = c.sent[i] as Sent
      if (answer.status === 200) {
        t.equal(answer.body.decision, item.expected, `${item.prisoner}: the right decision`)
        answeredPrisoners.push(item.prisoner)
        if (answer.body.decision === 'block') blocked++
        else allowed++
      } else {
        t.equal(answer.status, 503, `${item.prisoner}: a refusal is a 503`)
        t.equal(answer.body.decision, 'unavailable', `${item.prisoner}: which says unavailable, as any 503 of a check does`)
        refused++
      }
    })
    untaken += c.sent.length - c.answers.length
  }
  const sent = all.reduce((sum, c) => sum + c.sent.length, 0)
  t.comment(`sent ${sent}: ${blocked} blocked, ${allowed} allowed, ${refused} refused with 503, ${untaken} not taken (connection closed)`)
  t.ok(sent >= 150, 'the pipelined and half-sent checks were all sent')
  for (const c of slow) t.equal(c.answers[0]?.status, 200, 'a check whose body was arriving at the signal is answered')

  const store = new Database(db, { readonly: true })
  t.teardown(() => store.close())
  const audited = new Set((store.prepare("SELECT detail FROM audit_all WHERE action = 'check.decide'").pluck().all() as string[]).map((d) => (JSON.parse(d) as { prisoner: string }).prisoner))
  const missing = answeredPrisoners.filter((p) => !audited.has(p))
  t.same(missing, [], 'every answered check is in the audit trail')
  t.ok(audited.size <= sent, 'and nothing else')
})
