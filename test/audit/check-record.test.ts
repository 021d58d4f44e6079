import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { auth, buildTestApp, entryBody, tempDir } from '../helper.js'

t.test('a real server under concurrent checks and admin reads: every log line whole, one a request, the checks\' from the audit thread', async (t) => {
  const dir = tempDir(t)
  const logFile = join(dir, 'upc.log')
  const { app } = await buildTestApp(t, { dir, logFile })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const created = await fetch(`${base}/v1/entries`, { method: 'POST', headers: { ...auth('admin'), 'content-type': 'application/json' }, body: JSON.stringify(entryBody()) })
  t.equal(created.status, 201)
  let checks = 0
  let others = 1
  const check = async (i: number) => {
    checks++
    const res = await fetch(`${base}/v1/check`, {
      method: 'POST',
      headers: { ...auth('check'), 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'phone', prisoner: 'A1234BC', phone: i % 2 === 0 ? '07700 900123' : `07700 900${500 + (i % 500)}` })
    })
    await res.arrayBuffer()
    return res.status
  }
  const list = async () => {
    others++
    const res = await fetch(`${base}/v1/entries`, { headers: auth('admin') })
    await res.arrayBuffer()
    return res.status
  }
  const statuses: number[] = []
  for (let round = 0; round < 20; round++) {
    statuses.push(...await Promise.all([...Array.from({ length: 50 }, (_, i) => check(round * 50 + i)), list(), list()]))
  }
  t.ok(statuses.every((status) => status === 200), 'every request answered 200')
  await app.close()

  const text = readFileSync(logFile, 'utf8')
  const raw = text.trim().split('\n')
  const lines = raw.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>]
    } catch {
      return []
    }
  })
  t.equal(lines.length, raw.length, 'every line is one whole JSON object (none cut into by the other thread)')
  const requests = lines.filter((line) => line.msg === 'request')
  const checkLines = requests.filter((line) => line.route === '/v1/check')
  t.equal(checkLines.length, checks, 'one line a check')
  t.equal(requests.length - checkLines.length, others, 'one line every other request')
  t.equal(new Set(checkLines.map((line) => line.reqId)).size, checks, 'each check its own request id')
  t.equal(checkLines.filter((line) => line.decision === 'block').length, 500, 'the blocked half says block')
  t.ok(checkLines.every((line) => line.status === 200 && line.client === 'pbx' && typeof line.ms === 'number' && typeof line.time === 'number'))
})
