/** Real sockets for the connection tests: a hand-written HTTP client and bounded waits. */
import { connect } from 'node:net'
import type { Socket } from 'node:net'

/** One HTTP answer as read off the wire. */
export interface RawAnswer { status: number, headers: Record<string, string>, body: string }

/** An HTTP/1.1 connection written by hand: what a hostile client sends, and what comes back. */
export interface RawConnection {
  socket: Socket
  /** writes a request and waits for its whole answer (by content-length) on this connection */
  ask: (text: string) => Promise<RawAnswer>
  /** resolves when the daemon closes the connection, with every byte it had sent */
  closed: Promise<string>
}

/** Reads the first answer in `text`, or null while it is not whole. */
export function parseAnswer (text: string): { answer: RawAnswer, rest: string } | null {
  const end = text.indexOf('\r\n\r\n')
  if (end === -1) return null
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  if (Buffer.byteLength(text.slice(end + 4)) < length) return null
  const body = Buffer.from(text.slice(end + 4)).subarray(0, length).toString()
  return { answer: { status: Number(statusLine.split(' ')[1]), headers, body }, rest: text.slice(end + 4 + body.length) }
}

export async function rawConnection (port: number): Promise<RawConnection> {
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.setEncoding('utf8')
  socket.on('error', () => { /* a reset: seen as the close */ })
  let all = ''
  let pending = ''
  let waiting: ((answer: RawAnswer) => void) | null = null
  const settle = () => {
    if (waiting === null) return
    const parsed = parseAnswer(pending)
    if (parsed === null) return
    pending = parsed.rest
    const resolve = waiting
    waiting = null
    resolve(parsed.answer)
  }
  socket.on('data', (chunk: string) => {
    all += chunk
    pending += chunk
    settle()
  })
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(all)))
  return {
    socket,
    closed,
    ask: (text) => new Promise((resolve) => {
      waiting = resolve
      socket.write(text)
      settle()
    })
  }
}

/** Resolves once `count` of the connections have been closed by the daemon. */
export async function closedCount (connections: Array<{ closed: Promise<unknown> }>, count: number): Promise<void> {
  let closed = 0
  await new Promise<void>((resolve) => {
    if (count === 0) resolve()
    for (const connection of connections) void connection.closed.then(() => { if (++closed === count) resolve() })
  })
}

/** Fails the test instead of hanging when what it waits for never happens (a bound, not a timing). */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms) })
  try {
    return await Promise.race([promise, bound])
  } finally {
    clearTimeout(timer)
  }
}
