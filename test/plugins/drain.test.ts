import { connect } from 'node:net'
import type { Socket } from 'node:net'
import t from 'tap'
import { TOKENS, buildTestApp } from '../helper.js'

interface Answer { status: number, headers: Record<string, string>, body: Record<string, unknown> }

/** A raw HTTP/1.1 connection: the test decides which bytes are sent when, and reads whole answers. */
class RawConnection {
  private received = Buffer.alloc(0)
  private waiting: (() => void) | null = null
  private ended = false
  constructor (readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => { this.received = Buffer.concat([this.received, chunk]); this.waiting?.() })
    socket.on('end', () => { this.ended = true; this.waiting?.() })
    socket.on('error', () => { this.ended = true; this.waiting?.() })
  }

  static async open (port: number): Promise<RawConnection> {
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    return new RawConnection(socket)
  }

  /** The next whole answer (headers and a Content-Length body). */
  async answer (): Promise<Answer> {
    for (;;) {
      const head = this.received.indexOf('\r\n\r\n')
      if (head >= 0) {
        const lines = this.received.subarray(0, head).toString('latin1').split('\r\n')
        const headers: Record<string, string> = {}
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':')
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
        }
        const length = Number(headers['content-length'])
        if (this.received.length >= head + 4 + length) {
          const body = this.received.subarray(head + 4, head + 4 + length).toString('utf8')
          this.received = this.received.subarray(head + 4 + length)
          return { status: Number((lines[0] as string).split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> }
        }
      }
      if (this.ended) throw new Error('the connection ended before a whole answer')
      await new Promise<void>((resolve) => { this.waiting = resolve })
      this.waiting = null
    }
  }
}

/** A request's bytes, cut after its request line: `start` opens the request, `rest` completes it. */
function request (method: string, path: string, token: string, body?: unknown): { start: string, rest: string } {
  const text = body === undefined ? '' : JSON.stringify(body)
  const headers = [`Host: 127.0.0.1`, `Authorization: Bearer ${token}`, ...(body === undefined ? [] : ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(text)}`])]
  return { start: `${method} ${path} HTTP/1.1\r\n`, rest: `${headers.join('\r\n')}\r\n\r\n${text}` }
}

t.test('a request that arrives while the daemon is stopping: 503, and a check\'s says unavailable', async (t) => {
  const { app } = await buildTestApp(t)
  // Holds the stop between the drain's preClose (closing) and the server's close, so that a
  // connection can still send a request: the window a real stop has for a moment.
  let started!: () => void
  const closing = new Promise<void>((resolve) => { started = resolve })
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  app.addHook('preClose', async () => {
    started()
    await released
  })
  const serverSockets: Socket[] = []
  app.server.on('connection', (socket: Socket) => serverSockets.push(socket))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const check = { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' }

  const kept = await RawConnection.open(port)
  const first = request('POST', '/v1/check', TOKENS.check, check)
  kept.socket.write(first.start + first.rest)
  const before = await kept.answer()
  t.equal(before.status, 200, 'answered before the stop')
  t.equal(before.body.decision, 'allow')
  const admin = await RawConnection.open(port)

  // Each connection starts a request before the stop and ends it after: the server has read the
  // request line (bytesRead says so), so the connection is not idle and the drain's reaper, which
  // closes idle connections, leaves it; the headers, and so the request, arrive while stopping.
  const during = request('POST', '/v1/check', TOKENS.check, check)
  const listing = request('GET', '/v1/entries', TOKENS.admin)
  const sentBefore = [first.start.length + first.rest.length + during.start.length, listing.start.length]
  kept.socket.write(during.start)
  admin.socket.write(listing.start)
  while (serverSockets.length < 2 || serverSockets.some((socket, i) => socket.bytesRead < (sentBefore[i] as number))) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }

  const stopped = app.close()
  await closing
  kept.socket.write(during.rest)
  const refused = await kept.answer()
  t.equal(refused.status, 503)
  t.same(refused.body, { decision: 'unavailable', error: 'unavailable', message: 'the daemon is stopping; treat as block and try again' })
  t.equal(refused.headers.connection, 'close', 'the caller is told to reconnect elsewhere')
  t.equal(refused.headers['cache-control'], 'no-store', 'with the headers of every answer')

  admin.socket.write(listing.rest)
  const adminRefused = await admin.answer()
  t.equal(adminRefused.status, 503, 'any route is refused while stopping')
  t.same(adminRefused.body, { error: 'unavailable', message: 'the daemon is stopping; treat as block and try again' }, 'no decision on a route that is not a check')
  release()
  await stopped
  kept.socket.destroy()
  admin.socket.destroy()
})
