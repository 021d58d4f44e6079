import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { auth, buildTestApp, entryBody, writeKeyFiles } from '../helper.js'

const T0 = Date.parse('2026-12-07T09:00:00Z')
const MIN = 60_000
const ROOT = new URL('../..', import.meta.url).pathname

t.test('evidence: CSV and a printable page of a block\'s attempts in a period, each matching its audit row', async (t) => {
  let now = T0
  const { app, dir } = await buildTestApp(t, { clock: () => now })
  const block = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const check = (payload: object) => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload })
  // By hand: +1 A phone, +2 B mail, +3 A email, +10 A phone (outside the period +1 .. +5).
  const tries: Array<[number, object]> = [
    [1, { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' }],
    [2, { channel: 'mail', prisoner: 'B2345CD', address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' }],
    [3, { channel: 'email', prisoner: 'A1234BC', email: 'jane.victim@example.org' }],
    [10, { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' }]
  ]
  for (const [minute, payload] of tries) {
    now = T0 + minute * MIN
    t.equal((await check(payload)).json().decision, 'block')
  }
  now = T0 + 20 * MIN
  const period = `from=${new Date(T0 + MIN).toISOString()}&to=${new Date(T0 + 5 * MIN).toISOString()}`

  const csv = await app.inject({ method: 'GET', url: `/v1/entries/${block.reference}/evidence?format=csv&${period}`, headers: auth('admin') })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.equal(csv.headers['content-disposition'], `attachment; filename="attempts-${block.reference}.csv"`)
  const [header, ...lines] = csv.body.trimEnd().split('\r\n')
  t.equal(header, 'establishment,block_reference,entry_id,audit_id,audit_link,at,prisoner,channel,client')
  const rows = lines.map((line) => line.split(','))
  t.same(rows.map((r) => [r[0], r[1], r[2], r[5], r[6], r[7], r[8]]), [
    ['HLI', block.reference, block.id, new Date(T0 + 3 * MIN).toISOString(), 'A1234BC', 'email', 'pbx'],
    ['HLI', block.reference, block.id, new Date(T0 + 2 * MIN).toISOString(), 'B2345CD', 'mail', 'pbx'],
    ['HLI', block.reference, block.id, new Date(T0 + MIN).toISOString(), 'A1234BC', 'phone', 'pbx']
  ])

  // Against the trail itself, read from the store file: the same rows, ids, and covering links.
  const db = new Database(join(dir, 'upc-guard.db'), { readonly: true })
  t.teardown(() => db.close())
  const stored = db.prepare("SELECT id, at, json_extract(detail, '$.prisoner') AS prisoner FROM audit_all WHERE entry_id = ? AND action = 'check.decide' AND at BETWEEN ? AND ? ORDER BY id DESC")
    .all(block.id, T0 + MIN, T0 + 5 * MIN) as Array<{ id: number, at: number, prisoner: string }>
  const linkOf = (id: number): string => {
    const link = db.prepare('SELECT seq, mac FROM audit_link WHERE first_id <= ? AND last_id >= ?').get(id, id) as { seq: number, mac: string }
    return `L${link.seq}:${link.mac}`
  }
  t.same(rows.map((r) => [Number(r[3]), r[4], r[5], r[6]]), stored.map((s) => [s.id, linkOf(s.id), new Date(s.at).toISOString(), s.prisoner]))

  // Each row's link is an anchor the chain check accepts, with the daemon's key.
  writeKeyFiles(dir)
  const verifyWith = (anchors: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', join(dir, 'upc-guard.db'), '--key', join(dir, 'upc-guard.key'), ...anchors.flatMap((anchor) => ['--anchor', anchor])], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
  const verify = verifyWith(rows.map((r) => r[4] as string))
  t.equal(verify.status, 0, `audit:verify holds with the report's links as anchors: ${verify.stdout}${verify.stderr}`)
  const forged = verifyWith([`${(rows[0]?.[4] as string).split(':')[0] as string}:${'0'.repeat(64)}`])
  t.equal(forged.status, 1, 'a MAC that is not the link\'s fails the check')

  const page = await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/evidence?${period}`, headers: auth('admin') })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.headers['content-security-policy'], /default-src 'none'/)
  t.notMatch(page.body, /<script/i)
  t.match(page.body, new RegExp(`<dt>Establishment</dt><dd>HLI</dd>`))
  t.match(page.body, new RegExp(`<dt>Block reference</dt><dd>${block.reference} \\(entry ${block.id}\\)</dd>`))
  t.match(page.body, /<dt>Attempts<\/dt><dd>3<\/dd>/)
  for (const s of stored) t.match(page.body, `<tr><td>${s.id}</td><td>${new Date(s.at).toISOString()}</td><td>${s.prisoner}</td>`, `row ${s.id}`)
  for (const s of stored) t.match(page.body, linkOf(s.id))
  const head = /npm run audit:verify -- --anchor L(\d+):([0-9a-f]{64})/.exec(page.body)
  t.ok(head, 'the page gives the chain head as an anchor')
  const atHead = db.prepare('SELECT mac FROM audit_link WHERE seq = ?').pluck().get(Number(head?.[1])) as string
  t.equal(head?.[2], atHead, 'the anchor is that link\'s MAC')

  t.notMatch(csv.body + page.body, /900123|Jane|jane\.victim|Victim asked|Acacia|LS1 4AP|\bDoe\b|UPC-2026/, 'no detail, name, reason or request reference')

  const lastLink = db.prepare('SELECT MAX(seq) FROM audit_link').pluck().get() as number
  t.equal(Number(head?.[1]), lastLink, 'a report writes nothing: the head it gave is still the last link')

  const all = await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/evidence?format=csv`, headers: auth('admin') })
  t.equal(all.body.trimEnd().split('\r\n').length, 5, 'no period: every attempt (4) and the header')
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/evidence?format=pdf`, headers: auth('admin') })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/evidence`, headers: auth('check') })).statusCode, 403)
})
