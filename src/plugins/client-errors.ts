import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyBaseLogger } from 'fastify'
import { SECURITY_HEADERS } from './security-headers.js'

/**
 * Node's words for a request it could not parse, ours in their place: fixed text, never the bytes
 * that failed (they may hold a contact detail).
 */
function answerFor (code: string): { status: number, error: string, message: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT': return { status: 408, error: 'request_timeout', message: 'the request did not arrive in time' }
    case 'HPE_HEADER_OVERFLOW': return { status: 431, error: 'headers_too_large', message: 'the request headers are too large' }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW': return { status: 413, error: 'body_too_large', message: 'a chunk extension is too large' }
    default: return { status: 400, error: 'invalid_request', message: 'the request is malformed' }
  }
}

/** The whole answer as bytes on the wire, with the security headers every answer carries. */
export function clientErrorResponse (code: string): string {
  const { status, error, message } = answerFor(code)
  const body = JSON.stringify({ error, message })
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close'
  }
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`
}

/**
 * Fastify's clientErrorHandler: what node could not parse as a request (a NUL in a header, headers
 * past 16 KiB, a request past http.requestTimeoutMs) never reaches a route or an onSend hook, so its
 * answer is written to the socket here and the connection closed.
 */
export function clientErrorHandler (logger: FastifyBaseLogger) {
  return (err: ConnectionError, socket: Socket): void => {
    // A reset peer has gone: nothing to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    // Only the code: the error also carries the raw bytes, which may hold a contact detail.
    logger.debug({ code: err.code }, 'client error')
    // An answer already under way on this connection (a pipelined request broke after it) cannot
    // be followed by another in its middle: the connection just closes.
    const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (socket.writable && response?.headersSent !== true) socket.write(clientErrorResponse(err.code))
    socket.destroy()
  }
}
