import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { auth, buildTestApp, entryBody, tempDir, writeKeyFiles } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Date-times a schema's date-time format let through before, that are not RFC 3339 or not a time. */
const REFUSED = [
  '2099-01-01T00:00:00+01',
  '2099-12-31T23:59:60Z',
  '2099-01-01T00:00:00+0100',
  '2099-01-01 00:00:00Z',
  '2099-01-01T23:59:60+00:00'
]

t.test('a create whose date does not read is a 400 naming the field, and changes nothing', async (t) => {
  const { app } = await buildTestApp(t)
  for (const text of REFUSED) {
    for (const field of ['effectiveFrom', 'expiresAt']) {
      const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ [field]: text }) })
      t.equal(res.statusCode, 400, `${field} ${text}`)
      t.same(res.json(), { error: 'invalid_request', message: `body/${field} must match format "date-time"` })
    }
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json().total, 0, 'nothing stored')
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') })).json().items.length, 0, 'nothing audited')
})

t.test('valid date-times read as before: offsets, fractions, lower case', async (t) => {
  const { app } = await buildTestApp(t, { clock: () => Date.UTC(2026, 10, 20, 12) })
  const cases: Array<[Record<string, string>, Record<string, string | null>]> = [
    [{ expiresAt: '2099-01-01T00:00:00+01:00' }, { expiresAt: '2098-12-31T23:00:00.000Z' }],
    [{ expiresAt: '2099-06-30T12:00:00.5Z' }, { expiresAt: '2099-06-30T12:00:00.500Z' }],
    [{ expiresAt: '2099-06-30t12:00:00.123456z' }, { expiresAt: '2099-06-30T12:00:00.123Z' }],
    [{ effectiveFrom: '2026-11-21T00:00:00-05:00', expiresAt: '2028-02-29T00:00:00Z' }, { effectiveFrom: '2026-11-21T05:00:00.000Z', expiresAt: '2028-02-29T00:00:00.000Z' }]
  ]
  for (const [times, shown] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody(times) })
    t.equal(res.statusCode, 201, JSON.stringify(times))
    const entry = res.json()
    for (const [field, value] of Object.entries(shown)) t.equal(entry[field], value, field)
  }
  const pastEnd = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ expiresAt: '2026-11-20T12:30:00+01:00' }) })
  t.same(pastEnd.json(), { error: 'invalid_request', message: 'expiresAt must be after effectiveFrom and in the future' }, '11:30 UTC is before the clock\'s 12:00')
})

t.test('audit filters read their times the same way', async (t) => {
  const { app } = await buildTestApp(t, { clock: () => Date.UTC(2026, 10, 20, 12) })
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  const audit = (query: string) => app.inject({ method: 'GET', url: `/v1/audit?action=entry.create&${query}`, headers: auth('admin') })
  const bad = await audit('from=2026-11-20T00:00:00%2B01')
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { error: 'invalid_request', message: 'querystring/from must match format "date-time"' })
  t.equal((await audit('to=2026-11-20T23:59:60Z')).statusCode, 400)
  // The entry was made at 12:00 UTC: 12:30+01:00 is 11:30 UTC (before it), 13:30+01:00 is 12:30 UTC (after).
  t.equal((await audit('from=2026-11-20T12:30:00%2B01:00')).json().items.length, 1)
  t.equal((await audit('from=2026-11-20T13:30:00%2B01:00')).json().items.length, 0)
  t.equal((await audit('to=2026-11-20T12:30:00%2B01:00')).json().items.length, 0)
})

t.test('over a real socket: the date is refused with the field named', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const res = await fetch(`http://127.0.0.1:${address.port}/v1/entries`, {
    method: 'POST',
    headers: { ...auth('admin'), 'content-type': 'application/json' },
    body: JSON.stringify(entryBody({ expiresAt: '2099-01-01T00:00:00+01' }))
  })
  t.equal(res.status, 400)
  t.same(await res.json(), { error: 'invalid_request', message: 'body/expiresAt must match format "date-time"' })
})

t.test('import refuses the same dates, row by row', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const file = join(dir, 'entries.ndjson')
  writeFileSync(file, [
    JSON.stringify({ scope: 'establishment', phones: ['07700 900931'], reason: 'Imported block', expiresAt: '2099-01-01T00:00:00+0100' }),
    JSON.stringify({ scope: 'establishment', phones: ['07700 900932'], reason: 'Imported block', effectiveFrom: '2020-01-01T00:00:00+01' }),
    JSON.stringify({ scope: 'establishment', phones: ['07700 900933'], reason: 'Imported block', expiresAt: '2099-01-01T00:00:00+01:00' })
  ].join('\n'))
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file, '--actor', 'bulk-load'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', UPC_DB: join(dir, 'upc-guard.db'), UPC_ESTABLISHMENT: 'HLI' }
  })
  t.match(run.stdout, /^row 1: rejected: expiresAt must match format "date-time"$/m)
  t.match(run.stdout, /^row 2: rejected: effectiveFrom must match format "date-time"$/m)
  t.match(run.stdout, /3 rows read .*; 1 imported into .*; 2 rejected$/m)
})
