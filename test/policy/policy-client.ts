import { connect } from 'node:net'
import type { Socket } from 'node:net'

/** A policy client over a real socket, as Postfix's smtpd is: many requests on one connection. */
export interface PolicyClient {
  socket: Socket
  /** sends text and waits for `count` answers (each ended by an empty line) */
  ask: (text: string, count?: number) => Promise<string[]>
  /** resolves when the daemon closes the connection, with everything it had sent */
  closed: Promise<string>
}

export async function policyClient (port: number, localAddress?: string): Promise<PolicyClient> {
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress === undefined ? {} : { localAddress }) })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.setEncoding('utf8')
  let received = ''
  let all = ''
  let waiting: { count: number, resolve: (answers: string[]) => void } | null = null
  const settle = () => {
    if (waiting === null) return
    const parts = received.split('\n\n')
    if (parts.length - 1 < waiting.count) return
    const answers = parts.slice(0, waiting.count)
    received = parts.slice(waiting.count).join('\n\n')
    const { resolve } = waiting
    waiting = null
    resolve(answers)
  }
  socket.on('data', (chunk: string) => {
    received += chunk
    all += chunk
    settle()
  })
  socket.on('error', () => {})
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(all)))
  return {
    socket,
    closed,
    ask: (text, count = 1) => new Promise((resolve) => {
      waiting = { count, resolve }
      socket.write(text)
      settle()
    })
  }
}

export function request (attributes: Record<string, string>): string {
  const all = { request: 'smtpd_access_policy', protocol_state: 'RCPT', protocol_name: 'ESMTP', client_address: '127.0.0.1', ...attributes }
  return Object.entries(all).map(([name, value]) => `${name}=${value}\n`).join('') + '\n'
}
