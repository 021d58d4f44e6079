import { Agent, request } from 'node:http'
import t from 'tap'
import { TOKENS, buildTestApp } from '../helper.js'

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: Record<string, unknown> }

/** One request over a keep-alive agent of one socket: the second request reuses the first's connection. */
function send (agent: Agent, port: number, method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body)
    const req = request({
      agent, host: '127.0.0.1', port, method, path,
      headers: { authorization: `Bearer ${token}`, ...(text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }) }
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }))
    })
    req.on('error', reject)
    req.end(text)
  })
}

t.test('a request that arrives while the daemon is stopping: 503, and a check\'s says unavailable', async (t) => {
  const { app } = await buildTestApp(t)
  // Holds the stop between the drain's preClose (closing) and the server's close, so that a
  // keep-alive connection can still send a request: the window a real stop has for a moment.
  let started!: () => void
  const closing = new Promise<void>((resolve) => { started = resolve })
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  app.addHook('preClose', async () => {
    started()
    await released
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const check = { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' }

  const before = await send(agent, port, 'POST', '/v1/check', TOKENS.check, check)
  t.equal(before.status, 200, 'answered before the stop')
  t.equal(before.body.decision, 'allow')

  const stopped = app.close()
  await closing
  const during = await send(agent, port, 'POST', '/v1/check', TOKENS.check, check)
  t.equal(during.status, 503)
  t.same(during.body, { decision: 'unavailable', error: 'unavailable', message: 'the daemon is stopping; treat as block and try again' })
  t.equal(during.headers.connection, 'close', 'the caller is told to reconnect elsewhere')
  t.equal(during.headers['cache-control'], 'no-store', 'with the headers of every answer')

  const admin = await send(agent, port, 'GET', '/v1/entries', TOKENS.admin)
  t.equal(admin.status, 503, 'any route is refused while stopping')
  t.same(admin.body, { error: 'unavailable', message: 'the daemon is stopping; treat as block and try again' }, 'no decision on a route that is not a check')
  release()
  await stopped
})
