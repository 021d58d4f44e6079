import { connect } from 'node:net'
import type { Socket } from 'node:net'

/**
 * Just enough SMTP (RFC 5321) to hand one message to a relay the establishment runs, as Postfix on
 * the same host or its network: EHLO, MAIL, RCPT, DATA, QUIT, no TLS and no AUTH. The relay does the
 * rest (queueing, retries, TLS onward). Throws SmtpError naming the step and the reply's code.
 */
export class SmtpError extends Error {}

export interface SmtpMessage { from: string, to: readonly string[], subject: string, text: string, date: Date, messageId: string }

interface Reply { code: number, lines: string[] }

/** Reads whole replies (multi-line ones end with "ddd " after "ddd-" lines) from the socket. */
function replyReader (socket: Socket, timeoutMs: number) {
  let buffer = ''
  const waiting: Array<{ resolve: (reply: Reply) => void, reject: (err: Error) => void }> = []
  const ready: Reply[] = []
  let failed: Error | null = null
  let lines: string[] = []
  const fail = (err: Error) => {
    failed = err
    for (const w of waiting.splice(0)) w.reject(err)
  }
  socket.setEncoding('utf8')
  socket.setTimeout(timeoutMs, () => { fail(new SmtpError('the SMTP server did not answer in time')); socket.destroy() })
  socket.on('error', (err) => fail(new SmtpError(`SMTP connection failed: ${err.message}`)))
  socket.on('close', () => fail(new SmtpError('the SMTP server closed the connection')))
  socket.on('data', (chunk: string) => {
    buffer += chunk
    if (buffer.length > 65536) { fail(new SmtpError('the SMTP server sent an over-long reply')); socket.destroy(); return }
    let end: number
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      lines.push(line)
      if (/^\d{3}(?: |$)/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), lines }
        lines = []
        const next = waiting.shift()
        if (next !== undefined) next.resolve(reply)
        else ready.push(reply)
      }
    }
  })
  return async (): Promise<Reply> => {
    const reply = ready.shift()
    if (reply !== undefined) return reply
    if (failed !== null) throw failed
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  }
}

/** A header value on one line: no CR or LF can reach the message's headers. */
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ')

/** The message as sent after DATA: headers, a blank line, the body with CRLF and dot-stuffing. */
export function messageText (message: SmtpMessage): string {
  const body = message.text.replace(/\r?\n/g, '\r\n').split('\r\n').map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n')
  return [
    `From: ${oneLine(message.from)}`,
    `To: ${message.to.map(oneLine).join(', ')}`,
    `Subject: ${oneLine(message.subject)}`,
    `Date: ${message.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${oneLine(message.messageId)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body
  ].join('\r\n')
}

/** Sends one message through the relay at host:port. */
export async function sendMail (options: { host: string, port: number, timeoutMs: number, helo: string }, message: SmtpMessage): Promise<void> {
  const socket = connect({ host: options.host, port: options.port })
  const read = replyReader(socket, options.timeoutMs)
  const step = async (name: string, command: string | null, ok: (code: number) => boolean): Promise<void> => {
    if (command !== null) socket.write(`${command}\r\n`)
    const reply = await read()
    if (!ok(reply.code)) throw new SmtpError(`the SMTP server refused ${name} (${reply.code})`)
  }
  try {
    await step('the connection', null, (code) => code === 220)
    await step('EHLO', `EHLO ${oneLine(options.helo)}`, (code) => code === 250)
    await step('MAIL FROM', `MAIL FROM:<${oneLine(message.from)}>`, (code) => code === 250)
    for (const to of message.to) await step('RCPT TO', `RCPT TO:<${oneLine(to)}>`, (code) => code === 250 || code === 251)
    await step('DATA', 'DATA', (code) => code === 354)
    await step('the message', `${messageText(message)}\r\n.`, (code) => code === 250)
    socket.write('QUIT\r\n')
  } finally {
    socket.end()
  }
}
