import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { answerFor } from '../../src/plugins/errors.js'
import { createRateLimit } from '../../src/plugins/rate-limit.js'
import { CLIENTS, auth, buildTestApp, tempDir } from '../helper.js'

t.test('each client has its own rate limit; health probes have none', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 3, timeWindowMs: 60000 } } }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  const check = () => app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers: auth('check') })
  for (let i = 0; i < 3; i++) t.equal((await check()).statusCode, 200)
  const limited = await check()
  t.equal(limited.statusCode, 429)
  t.same(limited.json(), { decision: 'unavailable', error: 'rate_limited', message: 'too many requests; slow down' })
  t.equal(limited.headers['retry-after'], '60', 'Retry-After: the seconds left in the window')
  t.equal(limited.headers['x-ratelimit-limit'], '3')
  t.equal(limited.headers['x-ratelimit-remaining'], '0')
  const other = await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })
  t.equal(other.statusCode, 200, 'another client is not held back')
  t.equal(other.headers['x-ratelimit-limit'], undefined, 'no rate-limit headers under the limit')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('a rate-limited check says unavailable, which callers treat as block', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 1, timeWindowMs: 60000 } } }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  const check = () => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } })
  t.equal((await check()).statusCode, 200)
  const limited = await check()
  t.equal(limited.statusCode, 429)
  t.same(limited.json(), { decision: 'unavailable', error: 'rate_limited', message: 'too many requests; slow down' })
})

t.test('the window ends on the clock and the counts start again', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const dir = tempDir(t)
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 2, timeWindowMs: 10000 } } }))
  const { app } = await buildTestApp(t, { dir, clock: () => now, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  const check = async () => (await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers: auth('check') })).statusCode
  t.same([await check(), await check(), await check()], [200, 200, 429])
  now += 9999
  t.equal(await check(), 429, 'a millisecond before the window ends: still limited')
  now += 1
  t.same([await check(), await check(), await check()], [200, 200, 429], 'a new window')
})

t.test('the limiter alone: counts per key, a bounded number of keys, a clock stepped back', async (t) => {
  let now = 1_000_000
  const limit = createRateLimit({ max: 2, timeWindowMs: 1000, clock: () => now })
  const outcomes: Array<number | null> = []
  const headers: Record<string, unknown> = {}
  const reply = { headers: (h: Record<string, unknown>) => Object.assign(headers, h) }
  const ask = (key: string) => {
    limit({ client: null, ip: key } as never, reply as never, (err?: Error) => { outcomes.push(err === undefined ? null : answerFor(err as never).status) })
    return outcomes.at(-1)
  }
  t.same([ask('a'), ask('a'), ask('a'), ask('b')], [null, null, 429, null], 'each key its own count')
  t.equal(headers['retry-after'], 1)
  now -= 60_000
  t.equal(ask('a'), null, 'a clock stepped back a minute starts a new window rather than holding the old one')
  now += 60_000 + 5000
  for (let i = 0; i < 10_000; i++) ask(`198.51.100.${i}`)
  t.same([ask('203.0.113.1'), ask('203.0.113.1'), ask('203.0.113.1')], [null, null, 429],
    'past 10,000 addresses in a window, a new one has a count of its own')
  t.same([ask('203.0.113.2'), ask('203.0.113.2'), ask('203.0.113.2')], [null, null, 429], 'and so does the next')
  t.same([ask('198.51.100.0'), ask('198.51.100.0'), ask('198.51.100.0')], [null, null, 429],
    'the oldest address was evicted to make room: it starts again from 0')
  t.same([ask('198.51.100.9999'), ask('198.51.100.9999')], [null, 429], 'a recent address keeps its count (1 before these)')
})

t.test('a client never shares a count with an address, even one that spells its name', async (t) => {
  const limit = createRateLimit({ max: 2, timeWindowMs: 60_000, clock: () => 1_000_000 })
  const outcomes: Array<number | null> = []
  const reply = { headers: () => reply }
  const ask = (client: { name: string } | null, ip: string) => {
    limit({ client, ip } as never, reply as never, (err?: Error) => { outcomes.push(err === undefined ? null : answerFor(err as never).status) })
    return outcomes.at(-1)
  }
  t.same([ask(null, '192.0.2.7'), ask(null, '192.0.2.7'), ask(null, '192.0.2.7')], [null, null, 429], 'the address is at its limit')
  t.same([ask({ name: '192.0.2.7' }, '192.0.2.7'), ask({ name: '192.0.2.7' }, '192.0.2.7')], [null, null], 'a client named like it, from it, has its own count')
  t.same([ask({ name: 'pbx' }, '192.0.2.7'), ask({ name: 'mailroom' }, '192.0.2.7')], [null, null], 'other clients from the same address too')
})

t.test('a flood of 10,000 anonymous addresses leaves a client its own count', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 3, timeWindowMs: 60000 } } }))
  const clients = [...CLIENTS, { name: '127.0.0.1', roles: ['check'], token: 'loopback-named-5b8e0d41c97a23f6' }]
  const { app } = await buildTestApp(t, { dir, clock: () => Date.parse('2026-03-01T10:00:00Z'), env: { UPC_CONFIG: join(dir, 'limits.json'), UPC_TOKENS: JSON.stringify(clients) } })
  const anonymous = async (remoteAddress: string) => (await app.inject({ method: 'GET', url: '/no-such-page', remoteAddress })).statusCode
  for (let i = 0; i < 10_000; i++) {
    const status = await anonymous(`127.1.${i >> 8}.${i & 255}`)
    if (status !== 404) t.fail(`flood request ${i} got ${status}`)
  }
  t.same([await anonymous('127.2.0.1'), await anonymous('127.2.0.1'), await anonymous('127.2.0.1'), await anonymous('127.2.0.1')], [404, 404, 404, 429],
    'one more address: its own count of 3, then 429')
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), remoteAddress: '127.2.0.1', payload: { channel: 'mail', prisoner: 'A1234BC', address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' } })
  t.equal(check.statusCode, 200, 'the mail room, from that same address, is answered')
  t.equal(check.json().decision, 'allow')
  t.same([await anonymous('127.0.0.1'), await anonymous('127.0.0.1'), await anonymous('127.0.0.1'), await anonymous('127.0.0.1')], [404, 404, 404, 429], '127.0.0.1 anonymous, to its limit')
  const named = await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', remoteAddress: '127.0.0.1', headers: { authorization: 'Bearer loopback-named-5b8e0d41c97a23f6' } })
  t.equal(named.statusCode, 200, 'a client named 127.0.0.1 does not share that count')
})

t.test('a real listening server answers 429 with Retry-After past the limit', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 2, timeWindowMs: 60000 } } }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const statuses: number[] = []
  let last: Response | null = null
  for (let i = 0; i < 3; i++) {
    last = await fetch(`http://127.0.0.1:${port}/v1/check`, {
      method: 'POST',
      headers: { ...auth('check'), 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' })
    })
    statuses.push(last.status)
  }
  t.same(statuses, [200, 200, 429])
  t.equal(last?.headers.get('retry-after'), '60')
  t.same(await last?.json(), { decision: 'unavailable', error: 'rate_limited', message: 'too many requests; slow down' })
})
