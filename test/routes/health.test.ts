import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

t.test('healthz and readyz answer without a token; readyz reports the index', async (t) => {
  const { app } = await buildTestApp(t)
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  const before = (await app.inject({ method: 'GET', url: '/readyz' })).json()
  t.equal(before.status, 'ready')
  t.equal(before.entries, 0)
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  const after = (await app.inject({ method: 'GET', url: '/readyz' })).json()
  t.equal(after.entries, 1)
  t.ok(after.indexVersion > before.indexVersion, 'the version moves with every change')
})

t.test('the OpenAPI document describes every API route from the same schemas', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc.openapi, /^3\./)
  for (const path of ['/v1/check', '/v1/check/batch', '/v1/check/phone', '/v1/check/explain', '/v1/entries', '/v1/entries/{id}', '/v1/entries/{id}/lift', '/v1/audit']) {
    t.ok(doc.paths[path], `${path} is documented`)
  }
  t.same(doc.paths['/v1/check'].post.requestBody.content['application/json'].schema.required, ['channel', 'prisoner'])
  t.ok(doc.components.securitySchemes.bearer)
})
