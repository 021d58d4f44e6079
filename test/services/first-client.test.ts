import t from 'tap'
import { weakTokenReason } from '../../src/domain/weak-token.js'
import { buildTestApp, TOKENS, tempDir } from '../helper.js'

t.test('first start with no client: one admin client, its token once; configured clients replace it', async (t) => {
  const dir = tempDir(t)
  const first = await buildTestApp(t, { dir, env: { UPC_TOKENS: '' } })
  const token = first.app.upc.firstStart?.token
  t.match(token, /^[A-Za-z0-9_-]{43}$/)
  t.equal(weakTokenReason(token ?? ''), null, 'a token that configured clients would accept too')
  const headers = { authorization: `Bearer ${token}` }
  t.equal((await first.app.inject({ method: 'GET', url: '/v1/entries', headers })).statusCode, 200, 'admin, before it is kept')
  t.equal((await first.app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers })).statusCode, 200, 'and check')
  first.app.upc.firstStart?.keep()
  await first.app.close()

  const again = await buildTestApp(t, { dir, env: { UPC_TOKENS: '' } })
  t.equal(again.app.upc.firstStart, null, 'no second token')
  t.equal((await again.app.inject({ method: 'GET', url: '/v1/entries', headers })).statusCode, 200, 'the stored hash still admits it')
  await again.app.close()

  const configured = await buildTestApp(t, { dir })
  t.equal(configured.app.upc.firstStart, null)
  t.equal((await configured.app.inject({ method: 'GET', url: '/v1/entries', headers })).statusCode, 401, 'once clients are configured the first-start token stops working')
  t.equal((await configured.app.inject({ method: 'GET', url: '/v1/entries', headers: { authorization: `bearer ${TOKENS.admin}` } })).statusCode, 200, 'the scheme name in any case')
})

t.test('a start that never listens keeps no first-admin: the next start makes and shows a new token', async (t) => {
  const dir = tempDir(t)
  const failed = await buildTestApp(t, { dir, env: { UPC_TOKENS: '' } })
  const lost = failed.app.upc.firstStart?.token
  t.type(lost, 'string')
  await failed.app.close()

  const next = await buildTestApp(t, { dir, env: { UPC_TOKENS: '' } })
  const shown = next.app.upc.firstStart?.token
  t.type(shown, 'string', 'a token is shown again')
  t.not(shown, lost, 'a new one')
  t.equal((await next.app.inject({ method: 'GET', url: '/v1/entries', headers: { authorization: `Bearer ${lost}` } })).statusCode, 401, 'the token never shown working does not work')
})
