import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import t from 'tap'
import { TOKENS, auth, buildTestApp, tempDir } from '../helper.js'

const REFUSED = { decision: 'unavailable', error: 'rate_limited', message: 'too many unrecognised tokens from this address; wait and retry' }
const WARNING = 'unrecognised tokens from one address: refused until its window ends'

/** A wrong token of a real token's length, different for every guess. */
const guess = (i: number) => `Bearer ${String(i).padStart(6, '0')}${'q'.repeat(TOKENS.check.length - 6)}`

t.test('3,000 wrong tokens from one address: 50 get 401, the rest 429 with Retry-After; one warning line', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const logFile = join(tempDir(t), 'daemon.log')
  const { app } = await buildTestApp(t, { clock: () => now, logFile, env: { UPC_AUTH_FAILURES_MAX: '50', UPC_AUTH_FAILURES_WINDOW_MS: '60000' } })
  const check = (authorization: string, remoteAddress = '192.0.2.10') =>
    app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', remoteAddress, headers: { authorization } })
  const statuses = new Map<number, number>()
  let last
  for (let i = 0; i < 3000; i++) {
    last = await check(guess(i))
    statuses.set(last.statusCode, (statuses.get(last.statusCode) ?? 0) + 1)
    if (i === 49) t.equal(last.statusCode, 401, 'the 50th wrong token is still compared, and refused with 401')
    if (i === 50) {
      t.equal(last.statusCode, 429, 'the 51st is refused before it is compared')
      t.same(last.json(), REFUSED, 'a check says unavailable')
      t.equal(last.headers['retry-after'], '60', 'Retry-After: the rest of the window')
    }
  }
  t.same(Object.fromEntries(statuses), { 401: 50, 429: 2950 })
  t.equal((await check(auth('check').authorization)).statusCode, 429, 'a real token from that address waits too: nothing is compared')
  t.equal((await check(auth('check').authorization, '192.0.2.11')).statusCode, 200, 'another address is not held back')
  now += 30_000
  const half = await check(guess(3000))
  t.equal(half.statusCode, 429)
  t.equal(half.headers['retry-after'], '30', 'half the window left')
  now += 30_000
  t.equal((await check(auth('check').authorization)).statusCode, 200, 'the window over: the real token works')
  t.equal((await check(guess(3001))).statusCode, 401, 'and a wrong one is compared again')

  const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes(WARNING))
  t.equal(lines.length, 1, 'one warning for the streak, not one a refusal')
  const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
  t.equal(line.source, '192.0.2.10')
  t.equal(line.failures, 50)
  t.equal(line.level, 40, 'warn')
  const log = readFileSync(logFile, 'utf8')
  t.notOk(log.includes('qqqqqq'), 'no guessed token in the log')
  t.notOk(log.includes(TOKENS.check), 'no real token in the log')
})

t.test('a success does not reset the count; a streak is logged once until a quiet window', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const logFile = join(tempDir(t), 'daemon.log')
  const { app } = await buildTestApp(t, { clock: () => now, logFile, env: { UPC_AUTH_FAILURES_MAX: '5', UPC_AUTH_FAILURES_WINDOW_MS: '10000' } })
  const call = async (authorization: string) =>
    (await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.20', headers: { authorization } })).statusCode
  const real = auth('metrics').authorization
  const round = async () => [await call(guess(1)), await call(guess(2)), await call(real), await call(guess(3)), await call(real), await call(guess(4)), await call(guess(5)), await call(real), await call(guess(6))]
  t.same(await round(), [401, 401, 200, 401, 200, 401, 401, 429, 429],
    'a guesser holding a real token: its successes do not buy more guesses (5 failures, then 429)')
  const warnings = () => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes(WARNING)).length
  t.equal(warnings(), 1)
  now += 10_000
  t.same(await round(), [401, 401, 200, 401, 200, 401, 401, 429, 429], 'the next window: 5 more')
  t.equal(warnings(), 1, 'a guesser that goes on at once is the same streak: no second line')
  now += 10_000 + 10_000
  t.same(await round(), [401, 401, 200, 401, 200, 401, 401, 429, 429], 'after a quiet window')
  t.equal(warnings(), 2, 'a new streak is logged')
})

t.test('no token, or a malformed header, is not a guess and is not counted', async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_AUTH_FAILURES_MAX: '3' } })
  const call = async (headers: Record<string, string>) =>
    (await app.inject({ method: 'GET', url: '/v1/entries', remoteAddress: '198.51.100.30', headers })).statusCode
  for (let i = 0; i < 20; i++) t.equal(await call(i % 2 === 0 ? {} : { authorization: 'Basic x' }), 401)
  t.equal(await call(auth('admin')), 200)
})

t.test('a real listening server: a guesser is refused, a client on its open connection is not', async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_AUTH_FAILURES_MAX: '20' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const client = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => client.destroy())
  const get = (headers: Record<string, string>, agent: Agent | false) => new Promise<{ status: number, retryAfter: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/check/phone?prisoner=A1234BC&number=07700900123', agent, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }))
    })
    req.on('error', reject)
    req.end()
  })
  t.equal((await get(auth('check'), client)).status, 200, 'the phone system authenticates on its keep-alive connection')
  const statuses: number[] = []
  for (let i = 0; i < 25; i++) statuses.push((await get({ authorization: guess(i) }, false)).status)
  t.same(statuses, [...Array(20).fill(401), ...Array(5).fill(429)], 'new connections from the same address: 20 guesses, then 429')
  const fresh = await get(auth('check'), false)
  t.equal(fresh.status, 429, 'the real token on a new connection waits with the guesser')
  t.equal(fresh.retryAfter, '60')
  t.equal((await get(auth('check'), client)).status, 200, 'the header that already authenticated on the open connection is no guess: answered')
})
