// A batch of the costliest items the schema allows hands the event loop back between slices, so a
// check sent while it runs is answered before it, not after the whole batch. Ordering, not timing.
import { request } from 'node:http'
import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)

t.test('a single check sent during a 1000-item batch of hostile addresses is answered first', async (t) => {
  const { app } = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal(created.statusCode, 201)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const items = Array.from({ length: 1000 }, (_, i) => ({
    channel: 'mail', prisoner: 'A1234BC', address: fill(`${i} Street${i} Road LS${i % 30} ${i % 10}AB Flat ${i} `, 1000)
  }))
  const answered: string[] = []
  const post = (path: string, body: unknown, onFlushed?: () => void) => new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...auth('check'), 'content-type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () => { answered.push(path); resolve(res.statusCode ?? 0) })
    })
    req.on('error', reject)
    if (onFlushed !== undefined) req.on('finish', onFlushed)
    req.end(JSON.stringify(body))
  })
  let single: Promise<number> | undefined
  const batch = post('/v1/check/batch', { items }, () => {
    // the batch's body is sent; once the server has read and parsed it, the batch is deciding
    setTimeout(() => { single = post('/v1/check', { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' }) }, 150)
  })
  t.equal(await batch, 200, 'the batch is answered')
  t.equal(await single, 200, 'the single check is answered')
  t.same(answered, ['/v1/check', '/v1/check/batch'], 'the single check did not wait for the whole batch')
})
