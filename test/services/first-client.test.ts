import t from 'tap'
import { buildTestApp, TOKENS, tempDir } from '../helper.js'

t.test('first start with no client: one admin client, its token once; configured clients replace it', async (t) => {
  const dir = tempDir(t)
  const first = await buildTestApp(t, { dir, env: { UPC_TOKENS: '' } })
  const token = first.app.upc.firstStartToken
  t.match(token, /^[A-Za-z0-9_-]{43}$/)
  const headers = { authorization: `Bearer ${token}` }
  t.equal((await first.app.inject({ method: 'GET', url: '/v1/entries', headers })).statusCode, 200, 'admin')
  t.equal((await first.app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers })).statusCode, 200, 'and check')
  await first.app.close()

  const again = await buildTestApp(t, { dir, env: { UPC_TOKENS: '' } })
  t.equal(again.app.upc.firstStartToken, null, 'no second token')
  t.equal((await again.app.inject({ method: 'GET', url: '/v1/entries', headers })).statusCode, 200, 'the stored hash still admits it')
  await again.app.close()

  const configured = await buildTestApp(t, { dir })
  t.equal(configured.app.upc.firstStartToken, null)
  t.equal((await configured.app.inject({ method: 'GET', url: '/v1/entries', headers })).statusCode, 401, 'once clients are configured the first-start token stops working')
  t.equal((await configured.app.inject({ method: 'GET', url: '/v1/entries', headers: { authorization: `bearer ${TOKENS.admin}` } })).statusCode, 200, 'the scheme name in any case')
})
