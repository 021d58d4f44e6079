import t from 'tap'
import { buildTestApp } from '../helper.js'
import { parseAnswer, rawConnection, within } from '../sockets.js'

/**
 * What node cannot parse as a request never reaches fastify's routes or hooks; its answer is written
 * by the clientErrorHandler, with the same security headers as every other answer.
 */
const SECURITY = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' }

t.test('a NUL in a header, headers past 16 KiB, a broken request line: fixed answers with the security headers, then closed', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('not listening')
  const cases: Array<[string, string, number, { error: string, message: string }]> = [
    ['a NUL in a header', 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-note: a\u0000b\r\n\r\n', 400, { error: 'invalid_request', message: 'the request is malformed' }],
    ['a 20 KB header', `GET /v1/check/phone?prisoner=A1234BC&number=07700900123 HTTP/1.1\r\nhost: 127.0.0.1\r\nx-pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 431, { error: 'headers_too_large', message: 'the request headers are too large' }],
    ['a broken request line', 'GET 07700900123\r\n\r\n', 400, { error: 'invalid_request', message: 'the request is malformed' }]
  ]
  for (const [label, text, status, body] of cases) {
    const connection = await rawConnection(address.port)
    connection.socket.write(text)
    const received = await within(connection.closed, 10000, `${label}: closed`)
    const parsed = parseAnswer(received)
    t.ok(parsed !== null, `${label}: a whole answer`)
    if (parsed === null) continue
    const { answer, rest } = parsed
    t.equal(answer.status, status, label)
    t.match(answer.headers, SECURITY, `${label}: the security headers`)
    t.match(answer.headers, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    t.same(JSON.parse(answer.body), body, `${label}: our words, nothing of the request`)
    t.equal(rest, '', 'nothing after it')
    t.notMatch(received, /07700|A1234BC/, 'no part of the request echoed')
  }
  const res = await fetch(`http://127.0.0.1:${address.port}/healthz`)
  t.equal(res.status, 200, 'the daemon serves the next request')
})
