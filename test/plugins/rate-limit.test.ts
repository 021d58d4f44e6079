import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { auth, buildTestApp } from '../helper.js'

t.test('each client has its own rate limit; health probes have none', async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 3, timeWindowMs: 60000 } } }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  const check = () => app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers: auth('check') })
  for (let i = 0; i < 3; i++) t.equal((await check()).statusCode, 200)
  const limited = await check()
  t.equal(limited.statusCode, 429)
  t.same(limited.json(), { decision: 'unavailable', error: 'rate_limited', message: 'too many requests; slow down' })
  const other = await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })
  t.equal(other.statusCode, 200, 'another client is not held back')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('a rate-limited check says unavailable, which callers treat as block', async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 1, timeWindowMs: 60000 } } }))
  const { app } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  const check = () => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } })
  t.equal((await check()).statusCode, 200)
  const limited = await check()
  t.equal(limited.statusCode, 429)
  t.same(limited.json(), { decision: 'unavailable', error: 'rate_limited', message: 'too many requests; slow down' })
})
